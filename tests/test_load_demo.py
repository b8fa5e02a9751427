"""The demo: Portsmouth's 2006-2009 strategy, word for word, and the demo accounts."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from board.models import BoardAction, BoardSeat, EvaluationReport, Meeting
from home.management.commands.load_demo import DEMO_ADOPTIONS
from home.strategy_import import DEMO_STRATEGY_FILE
from indicators.choices import Computation, RagStatus
from indicators.models import Figure, FigureChange, PerformanceIndicator, Polarity, Target, Unit
from indicators.selectors import indicator_statuses
from objectives.models import (
    Action,
    CorporateParentDuty,
    KeyDocument,
    Objective,
    Organisation,
    Outcome,
    Strategy,
    StrategySection,
)
from portal.models import User
from portal.roles import Role

from . import factories
from .conftest import IN_CI

SEEDS = Path(__file__).resolve().parents[1] / "objectives" / "demo" / "seeds"

PORTSMOUTH_8 = [
    "Having the right to an active say in any development",
    "Healthy",
    "Emotionally secure and confident",
    "Having succeeded as far as they can at school",
    "Having facilities and opportunities to play safely",
    "Having stayed out of trouble",
    "Living in a safe place",
    "Having the opportunities to succeed in achieving their dreams",
]


def seed_text() -> str:
    """The seed documents as plain text, with markup and spacing evened out."""
    if not SEEDS.is_dir():
        if IN_CI:
            pytest.fail(f"The seed documents are missing from {SEEDS}")
        pytest.skip("The seed documents are not beside this checkout")
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    text = re.sub(r"<[^>]+>|\*\*", " ", text)
    return normalise(text)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", password="a-demo-password-for-tests")
    return Strategy.objects.get(slug="portsmouth-2006-2009")


def test_the_demo_holds_the_whole_seed_strategy(demo):
    assert demo.title == "Corporate Parenting Strategy"
    assert demo.period == "2006-2009"
    assert demo.council == "Portsmouth City Council"
    assert demo.overall_aim.startswith("To become a city in which, through the efforts of each and every")
    assert list(demo.outcomes.values_list("name", flat=True)) == PORTSMOUTH_8
    assert all(outcome.every_child_matters.exists() for outcome in demo.outcomes.all())
    assert demo.objectives.count() == 4
    assert [demo.objectives.get(number=n).actions.count() for n in (1, 2, 3, 4)] == [4, 4, 4, 3]
    seed_indicators = PerformanceIndicator.objects.filter(catalogue_entry__isnull=True)
    assert [seed_indicators.filter(objective__number=n).count() for n in (1, 2, 3, 4)] == [2, 4, 4, 3]
    assert Action.objects.count() == 15
    assert seed_indicators.count() == 13
    assert KeyDocument.objects.filter(strategy=demo).count() == 3
    assert CorporateParentDuty.objects.filter(strategy=demo).count() == 5
    assert BoardSeat.objects.filter(strategy=demo, is_chair=True).get().role == (
        "Executive Member for Children and Young People's Services"
    )


def test_every_seed_text_is_kept_word_for_word(demo):
    seeds = seed_text()
    texts = [demo.overall_aim, demo.outcomes_introduction, demo.board_description, demo.key_documents_summary]
    texts += [paragraph for paragraph in demo.values_and_principles.split("\n\n")]
    texts += list(Outcome.objects.values_list("name", flat=True))
    texts += list(Objective.objects.values_list("statement", flat=True))
    texts += list(Action.objects.values_list("text", flat=True))
    texts += list(
        PerformanceIndicator.objects.filter(catalogue_entry__isnull=True).values_list("title", flat=True)
    )
    texts += list(CorporateParentDuty.objects.values_list("text", flat=True))
    texts += list(KeyDocument.objects.values_list("title", flat=True))
    for section in StrategySection.objects.all():
        texts += [re.sub(r"^(- |\d+\. )", "", line) for line in section.body.splitlines() if line.strip()]
    for text in texts:
        assert normalise(text) in seeds, f"Not in the seed documents word for word: {text!r}"


def test_objective_one_is_also_measured_by_other_plans(demo):
    objective = demo.objectives.get(number=1)
    assert list(objective.indicator_sets.values_list("title", flat=True)) == [
        "CYPP performance indicators – Priorities 7 & 9",
        "Corporate Plan priorities 2 & 12",
        "Green Report outcomes",
    ]
    assert list(objective.links.values_list("number", flat=True)) == [4]


def test_indicators_have_sensible_units_and_polarity(demo):
    business_plans = PerformanceIndicator.objects.get(
        title__startswith="Number of high-level business plans NOT"
    )
    assert business_plans.polarity == Polarity.LOWER_IS_BETTER
    funds = PerformanceIndicator.objects.get(title__startswith="Amount of unidentified funds")
    assert (funds.unit, funds.polarity) == (Unit.MONEY, Polarity.LOWER_IS_BETTER)
    profile = PerformanceIndicator.objects.get(title__startswith="The production of a profile of need")
    # The portal counts the profiles of need the officer publishes.
    assert (profile.unit, profile.computation) == (Unit.COUNT, Computation.NEED_PROFILES)
    assert not PerformanceIndicator.objects.filter(owner__isnull=True).exists()
    meetings = PerformanceIndicator.objects.get(title="Number of meetings of the Corporate Parenting Board.")
    assert [action.text for action in meetings.actions.all()] == [
        "Initiate and maintain appropriate strategic governance arrangements"
    ]


DEMO_MODELS = [
    Figure,
    Target,
    FigureChange,
    Strategy,
    Objective,
    Action,
    PerformanceIndicator,
    Outcome,
    Organisation,
    BoardSeat,
    User,
    StrategySection,
    Meeting,
    EvaluationReport,
    BoardAction,
]


def test_loading_twice_duplicates_nothing(demo):
    counts = {model.__name__: model.objects.count() for model in DEMO_MODELS}
    call_command("load_demo", password="a-demo-password-for-tests")
    assert counts == {model.__name__: model.objects.count() for model in DEMO_MODELS}


def test_demo_accounts_sign_in_with_the_given_password(demo, client):
    for username in ["officer", "contributor", "board", "councillor", "admin"]:
        assert client.login(username=username, password="a-demo-password-for-tests"), username
    assert User.objects.get(username="officer").has_role(Role.OFFICER)
    contributor = User.objects.get(username="contributor")
    assert contributor.has_role(Role.CONTRIBUTOR)
    assert contributor.organisation.kind == Organisation.Kind.PARTNER
    assert User.objects.get(username="board").has_role(Role.BOARD_MEMBER)
    assert User.objects.get(username="councillor").has_role(Role.ELECTED_MEMBER)
    assert User.objects.get(username="admin").is_superuser


def test_demo_accounts_are_refused_on_a_live_portal(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not User.objects.exists()
    call_command("load_demo", force=True)
    assert User.objects.filter(username="officer").exists()


def test_a_broken_strategy_file_loads_nothing(db, tmp_path):
    data = json.loads(DEMO_STRATEGY_FILE.read_text(encoding="utf-8"))
    data["objectives"][3]["indicators"][0]["unit"] = "furlongs"
    broken = tmp_path / "strategy.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was loaded.*'furlongs' is not one of"):
        call_command("load_strategy", broken)
    assert not Strategy.objects.exists()
    assert not Action.objects.exists()


def test_a_file_that_is_not_json_gets_a_clear_message(db, tmp_path):
    not_json = tmp_path / "strategy.json"
    not_json.write_text("objectives: four", encoding="utf-8")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("load_strategy", not_json)


def test_another_council_loads_its_own_strategy(db, tmp_path):
    data = json.loads(DEMO_STRATEGY_FILE.read_text(encoding="utf-8"))
    data["strategy"] |= {"slug": "elsewhere-2025-2028", "council": "Elsewhere Borough Council"}
    data["objectives"] = data["objectives"][:2]
    own = tmp_path / "elsewhere.json"
    own.write_text(json.dumps(data), encoding="utf-8")
    data["objectives"][0]["links_to"] = []
    own.write_text(json.dumps(data), encoding="utf-8")
    call_command("load_strategy", own)
    current = Strategy.objects.current()
    assert current.council == "Elsewhere Borough Council"
    assert current.objectives.count() == 2


def set_up_authenticator(client, username):
    """What an officer or administrator does at their first sign-in."""
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    client.post(reverse("two_factor_setup"), {"code": factories.current_code_for_device(device)})


def test_every_demo_account_browses_without_a_server_error(demo, client):
    pages = [reverse("home"), reverse("account"), reverse("objectives:overview"), reverse("indicators:list")]
    pages += [reverse("board:overview"), reverse("accessibility"), reverse("password_change")]
    pages += [objective.get_absolute_url() for objective in demo.objectives.all()]
    pages += [indicator.get_absolute_url() for indicator in PerformanceIndicator.objects.all()]
    for username in ["officer", "contributor", "board", "councillor", "admin"]:
        assert client.login(username=username, password="a-demo-password-for-tests")
        if client.get(reverse("home")).status_code == 302:
            set_up_authenticator(client, username)
        for url in pages:
            status = client.get(url).status_code
            assert status in (200, 403), f"{username} got {status} from {url}"
        client.logout()


def test_the_demo_has_three_years_of_labelled_figures_in_every_state(demo):
    officer = User.objects.get(username="officer")
    assert Figure.objects.exists() and not Figure.objects.filter(is_demo=False).exists()
    assert not Target.objects.filter(is_demo=False).exists()
    oldest = Figure.objects.order_by("period_start").first().period_start
    assert (Figure.objects.order_by("-period_start").first().period_start - oldest).days > 2 * 365
    assert Figure.objects.filter(status=Figure.Status.RETURNED).exclude(return_reason="").exists()
    assert Figure.objects.filter(status=Figure.Status.SUBMITTED).exists()
    statuses = indicator_statuses(PerformanceIndicator.objects.filter(objective__strategy=demo), user=officer)
    rags = {status.rag for status in statuses}
    assert {RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED, RagStatus.OVERDUE} <= rags


def test_the_demo_adopts_national_measures_under_objective_one(demo):
    adopted = PerformanceIndicator.objects.filter(catalogue_entry__isnull=False)
    assert adopted.count() == len(DEMO_ADOPTIONS) == 4
    assert set(adopted.values_list("objective__number", flat=True)) == {1}
    assert all(indicator.figures.exists() for indicator in adopted)


def test_reloading_keeps_progress_and_moves_adopted_measures_aside(demo, tmp_path):
    from objectives.models import ActionUpdate

    officer = User.objects.get(username="officer")
    action = Action.objects.get(objective__number=1, position=4)
    from objectives.services import action_progress_record

    action_progress_record(action=action, user=officer, status="complete", note="Done (test)")
    adopted = PerformanceIndicator.objects.get(objective__number=1, position=3)
    figures = adopted.figures.count()
    data = json.loads(DEMO_STRATEGY_FILE.read_text(encoding="utf-8"))
    data["objectives"][0]["indicators"].append(
        {"title": "Number of carers recruited.", "unit": "count", "polarity": "higher", "frequency": "annual"}
    )
    grown = tmp_path / "grown.json"
    grown.write_text(json.dumps(data), encoding="utf-8")
    call_command("load_strategy", grown)
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE and ActionUpdate.objects.count() == 1
    adopted.refresh_from_db()
    assert adopted.position > 3 and adopted.figures.count() == figures
    assert adopted.catalogue_entry is not None
    assert (
        PerformanceIndicator.objects.get(objective__number=1, position=3).title
        == "Number of carers recruited."
    )


def test_a_reload_that_would_delete_figures_is_refused(demo, tmp_path):
    data = json.loads(DEMO_STRATEGY_FILE.read_text(encoding="utf-8"))
    data["objectives"][1]["indicators"] = data["objectives"][1]["indicators"][:2]
    shrunk = tmp_path / "shrunk.json"
    shrunk.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="has figures, so it cannot be removed"):
        call_command("load_strategy", shrunk)
    assert PerformanceIndicator.objects.filter(objective__number=2, catalogue_entry__isnull=True).count() == 4


def test_a_misspelt_key_is_refused(db, tmp_path):
    data = json.loads(DEMO_STRATEGY_FILE.read_text(encoding="utf-8"))
    data["objectives"][0]["indicators"][0]["measure_actions"] = [1]
    misspelt = tmp_path / "misspelt.json"
    misspelt.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="keys the portal does not know: measure_actions"):
        call_command("load_strategy", misspelt)


def test_the_demo_shows_portsmouth_against_england_the_south_east_and_its_neighbours(demo, client):
    client.force_login(User.objects.get(username="officer"))
    set_up_authenticator(client, "officer")
    stability = PerformanceIndicator.objects.get(catalogue_entry__code="cla-placements-3-plus")
    page = client.get(stability.get_absolute_url()).content.decode()
    assert "Compared with other councils" in page
    for heading in ("Portsmouth", "England", "South East", "Neighbours' median"):
        assert heading in page
    for year in ("2021", "2022", "2023", "2024", "2025"):
        assert f'<th scope="row" class="govuk-table__header">{year}' in page
    assert "31 of 402" in page
    indicators = client.get(reverse("indicators:list")).content.decode()
    assert "Compared with similar councils" in indicators
    assert "Better than similar councils" in indicators  # 8% with 3+ placements; neighbours' median 11%
    overview = client.get(reverse("objectives:overview")).content.decode()
    assert "Against similar councils" in overview and "better than similar councils" in overview
    accommodation = PerformanceIndicator.objects.get(
        catalogue_entry__code="care-leavers-19-21-suitable-accommodation"
    )
    assert "176 of 192" in client.get(accommodation.get_absolute_url()).content.decode()


def test_a_board_member_opens_the_demo_uasc_profile_of_need_as_a_page_and_a_pdf(demo, client):
    import io

    import pypdf

    from indicators.models import NeedProfile

    profile = NeedProfile.objects.published().get(group__dimension__code="uasc", group__code="yes")
    client.force_login(User.objects.get(username="board"))
    text = client.get(reverse("comparisons:need_profile", kwargs={"pk": profile.pk})).content.decode()
    assert profile.title in text
    # The three measures the demo breaks down by UASC, the small group hidden for the Board.
    assert text.count('<th scope="row" class="govuk-table__header">PI ') == 3
    assert ">c<" in text
    response = client.get(reverse("comparisons:need_profile_pdf", kwargs={"pk": profile.pk}))
    printed = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "unaccompanied asylum-seeking children" in " ".join(printed.split())
