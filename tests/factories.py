import datetime
import time
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from board.models import AgendaItem, BoardAction, BoardSeat, CompileRun, EvaluationReport, Meeting
from board.reports import latest_ended_half_year, report_compile
from indicators.models import Figure, Frequency, PerformanceIndicator, Polarity, Target, Unit
from indicators.periods import Period
from indicators.states import indicator_state_refresh
from objectives.models import Action, Objective, Organisation, Strategy
from portal import two_factor
from portal.models import User
from portal.roles import group_for

PASSWORD = "a-long-test-password-for-everyone"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PARTNER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, roles, **kwargs):
        if create and roles:
            self.groups.set([group_for(role) for role in roles])
        self.save()

    @factory.post_generation
    def authenticator(self, create, wanted, **kwargs):
        """People who must use two-factor sign-in have set up their authenticator app."""
        if create and (wanted or (wanted is None and two_factor.is_required_for(self))):
            authenticator_for(self)


def authenticator_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=two_factor.DEVICE_NAME, confirmed=True)


def current_code(user, steps_ahead: int = 0) -> str:
    return current_code_for_device(TOTPDevice.objects.get(user=user, confirmed=True), steps_ahead)


def current_code_for_device(device, steps_ahead: int = 0) -> str:
    """The code the person's app shows now, or ``steps_ahead`` codes later (the portal allows one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    slug = factory.Sequence(lambda n: f"strategy-{n}")
    title = "Corporate Parenting Strategy"
    council = "Test Council"
    period_start = 2024
    period_end = 2027
    overall_aim = "Every child we look after does as well as any other child."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Objective title {n}")
    statement = "To do well by every child in our care."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Action text {n}")
    lead = factory.SubFactory(OrganisationFactory)
    status = Action.Status.ON_TRACK
    due_date = datetime.date(2030, 3, 31)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceIndicator

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Number of things measured {n}")
    unit = Unit.COUNT
    polarity = Polarity.HIGHER_IS_BETTER
    frequency = Frequency.QUARTERLY
    owner = factory.SubFactory(OrganisationFactory)


class BoardSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardSeat

    strategy = factory.SubFactory(StrategyFactory)
    position = factory.Sequence(lambda n: n + 1)
    role = "Senior manager"
    organisation = factory.SubFactory(OrganisationFactory)


def last_ended_period(frequency: str, today: datetime.date | None = None) -> Period:
    today = today or datetime.date.today()
    return Period.containing(frequency, today).previous()


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure
        skip_postgeneration_save = True

    indicator = factory.SubFactory(IndicatorFactory)
    frequency = factory.LazyAttribute(lambda figure: figure.indicator.frequency)
    period_start = factory.LazyAttribute(lambda figure: last_ended_period(figure.frequency).start)
    period_end = factory.LazyAttribute(lambda figure: Period(figure.frequency, figure.period_start).end)
    value = Decimal("10")
    status = Figure.Status.DRAFT

    @factory.post_generation
    def state(self, create, extracted, **kwargs):
        """As the figure services do, keep the indicator's state in step."""
        if create:
            indicator_state_refresh(indicator_ids=[self.indicator_id])


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target
        skip_postgeneration_save = True

    indicator = factory.SubFactory(IndicatorFactory)
    frequency = factory.LazyAttribute(lambda target: target.indicator.frequency)
    period_start = factory.LazyAttribute(lambda target: last_ended_period(target.frequency).start)
    period_end = factory.LazyAttribute(lambda target: Period(target.frequency, target.period_start).end)
    value = Decimal("10")

    @factory.post_generation
    def state(self, create, extracted, **kwargs):
        """As the targets service does, keep the indicator's state in step."""
        if create:
            indicator_state_refresh(indicator_ids=[self.indicator_id])


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    venue = "Guildhall, Portsmouth"
    status = Meeting.Status.HELD


class BoardActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardAction

    text = factory.Sequence(lambda n: f"Board action {n}")
    owner = "Head of children's social care"
    raised_at = factory.SubFactory(MeetingFactory)


def paper_for(meeting: Meeting) -> AgendaItem:
    document = SimpleUploadedFile("performance.pdf", b"%PDF-1.4 a paper for the Board", "application/pdf")
    return AgendaItem.objects.create(
        meeting=meeting, position=1, title="Performance report", document=document
    )


def compiled_report(strategy, *, status=EvaluationReport.Status.DRAFT) -> EvaluationReport:
    """A report compiled the way the background job compiles it, for the latest half-year."""
    period = latest_ended_half_year()
    run = CompileRun.objects.create(strategy=strategy, period_start=period.start)
    report = report_compile(run_id=run.pk)
    EvaluationReport.objects.filter(pk=report.pk).update(status=status, executive_summary="A good half-year.")
    report.refresh_from_db()
    return report
