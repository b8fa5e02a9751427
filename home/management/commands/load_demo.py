from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from board.demo import board_demo_load
from board.models import BoardSeat
from communications.demo import communications_demo_load
from comparisons.demo import published_statistics_load
from home.strategy_import import DEMO_STRATEGY_FILE, read_strategy_file, strategy_import
from indicators.breakdown_standards import standard_dimensions_ensure
from indicators.catalogue import catalogue_load
from indicators.demo import demo_breakdowns_load, demo_figures_load, demo_need_profile_load
from indicators.models import BreakdownDimension, BreakdownGroup, CatalogueDimension, CatalogueEntry
from indicators.services import catalogue_adopt
from portal.models import User
from portal.roles import Role, group_for

DEFAULT_DEMO_PASSWORD = "corporate-parent-demo"

# National measures the demo adopts under objective 1, as the "Green Report outcomes".
DEMO_ADOPTIONS = [
    "cla-placements-3-plus",
    "cla-health-assessment",
    "care-leavers-19-21-eet",
    "care-leavers-19-21-suitable-accommodation",
]

DEMO_ACCOUNTS = [
    # username, first name, last name, role, organisation key
    ("officer", "Olivia", "Officer", Role.OFFICER, "social-care"),
    # The Primary Care Trust enters its health figures; Connexions' consultation PI is counted from feedback.
    ("contributor", "Connor", "Contributor", Role.CONTRIBUTOR, "pct"),
    ("board", "Bola", "Boardman", Role.BOARD_MEMBER, "pct"),
    ("councillor", "Kim", "Councillor", Role.ELECTED_MEMBER, None),
]


class Command(BaseCommand):
    help = "Load the demo strategy (Portsmouth 2006-2009) and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_DEMO_PASSWORD,
            help=f"Password for every demo account (default: {DEFAULT_DEMO_PASSWORD}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create demo accounts even with DEBUG off. Never do this on a live portal.",
        )

    def handle(self, *args, password: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live portal: demo accounts were not created. "
                "Use --force only on a test or training copy."
            )
        with transaction.atomic():
            loaded = strategy_import(data=read_strategy_file(DEMO_STRATEGY_FILE))
            for username, first_name, last_name, role, organisation_key in DEMO_ACCOUNTS:
                user = self.demo_user(username, first_name, last_name, password)
                user.organisation = loaded.organisations.get(organisation_key) if organisation_key else None
                user.save()
                user.groups.set([group_for(role)])
            admin = self.demo_user("admin", "Ada", "Admin", password)
            admin.is_staff = admin.is_superuser = True
            admin.save()
            pct_seat = BoardSeat.objects.filter(
                strategy=loaded.strategy, organisation__key="pct", is_chair=False
            ).first()
            if pct_seat:
                pct_seat.person = User.objects.get(username="board")
                pct_seat.save()
            standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
            catalogue_load(CatalogueEntry, dimension_model=BreakdownDimension, link_model=CatalogueDimension)
            objective_one = loaded.objectives[1]
            for code in DEMO_ADOPTIONS:
                entry = CatalogueEntry.objects.get(code=code)
                if not entry.adoptions.filter(objective__strategy=loaded.strategy).exists():
                    catalogue_adopt(
                        entry=entry, objective=objective_one, owner=loaded.organisations["social-care"]
                    )
            contributor = User.objects.get(username="contributor")
            figures = demo_figures_load(
                strategy=loaded.strategy,
                officer=User.objects.get(username="officer"),
                entered_by={contributor.organisation_id: contributor},
            )
            demo_breakdowns_load(strategy=loaded.strategy)
            demo_need_profile_load(officer=User.objects.get(username="officer"))
            board_demo_load(strategy=loaded.strategy)
            published_statistics_load()
            communications_demo_load(strategy=loaded.strategy)
        self.stdout.write(self.style.SUCCESS(f"Loaded {loaded.strategy} and the demo accounts."))
        if figures:
            self.stdout.write(f"Added {figures} demo figures with targets, marked as demo data.")
        self.stdout.write("Imported DfE's published statistics (2021-2025) and statistical neighbours.")
        self.stdout.write("Demo accounts: officer, contributor, board, councillor, admin.")

    @staticmethod
    def demo_user(username: str, first_name: str, last_name: str, password: str) -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name = first_name
        user.last_name = last_name
        user.email = f"{username}@example.org"
        user.set_password(password)
        return user
