from django.core.management.base import BaseCommand

from indicators.states import indicator_states_refresh_all


class Command(BaseCommand):
    help = "Bring every indicator's stored state up to today (the nightly job, run on demand)."

    def handle(self, *args, **options):
        count = indicator_states_refresh_all()
        self.stdout.write(f"Refreshed the state of {count} indicator{'s' if count != 1 else ''}.")
