"""Demo communications: a year of monthly newsletters, the young people's pages and some feedback.

Everything here is made up for the demonstration and says so where readers see it.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from indicators.choices import Computation
from indicators.models import PerformanceIndicator

from .models import Feedback, FeedbackTag, Newsletter, YoungPeoplePage
from .selectors import public_figures

CONSULTATION_TITLE = "Number of young people taking part in consultation exercises"

INTRODUCTION = """When you are in care, the council is your corporate parent. That means everyone who works
for the council, and the councillors who run it, should do for you what a good parent would do.

This page tells you what we are trying to do, what we promise, and how it is going. It is the
young people's version of our Corporate Parenting Strategy."""

AIMS = """We want you to have the same chances as any other young person in the city.
We are aiming for you to:

- have a real say in decisions about your life
- be healthy, and feel safe and confident
- do as well as you can at school, college or work
- have places to go and things to do
- live somewhere safe and settled
- get the support you need to achieve your dreams"""

PLEDGE = """- We will listen to you and take what you say seriously.
- We will tell you who your social worker or personal adviser is, and how to reach them.
- We will explain decisions about you, and why we made them.
- We will help you stay in touch with the people who matter to you.
- We will support you at school and help you plan for the future.
- We will keep supporting you after you leave care."""

DONE_SO_FAR = """- Councillors and senior managers met the Children in Care Council every three months.
- Every young person leaving care was offered a personal adviser.
- More young people came to their own reviews and said what they thought.
- We started this website so you can see how we are doing and tell us what you think."""

HELP = """If you are unhappy about something, you can talk to your social worker, personal adviser,
carer or independent reviewing officer.

An advocate is someone who is on your side and helps you say what you want. You can ask for
one at any time, free of charge.

- Childline: 0800 1111, free and confidential, any time
- The Children's Commissioner's Help at Hand service: 0800 528 0731
- In an emergency, call 999"""

STORIES = [
    "Three young people in care passed their driving theory tests this month, helped by the leaving "
    "care team's learner fund.",
    "Foster carers in the Fostering Network's local branch ran a summer activity week for 40 children.",
    "A care leaver started a degree in nursing with the council's bursary.",
    "The Children in Care Council presented its film about moving placements to the Board.",
    "Young people in care took part in the city's youth parliament elections.",
    "Two care leavers began apprenticeships with the council's housing service.",
]
TRAINING = [
    "Corporate parenting induction for new councillors: Tuesday 10am, Guildhall committee room 2.",
    "Online training on listening to young people's views is open to every corporate parent.",
    "The leaving care team runs a short briefing on the local offer for care leavers.",
]
FEEDBACK_MESSAGES = [
    ("young_person_in_care", "having_a_say", "I liked going to my review this time. People listened to me."),
    (
        "care_leaver",
        "home",
        "It took too long to sort out my flat. I was worried I would have nowhere to go.",
    ),
    (
        "young_person_in_care",
        "social_worker",
        "I have had four social workers this year. Please stop changing them.",
    ),
    ("carer", "school", "The virtual school helped a lot with getting extra tuition. Thank you."),
    ("young_person_in_care", "health", "I did not know I could see a counsellor until my friend told me."),
    ("care_leaver", "school", "The bursary means I can stay at college. Tell other young people about it."),
    ("other", "other", "Could the website have a page in easy read?"),
]


def month_start(today: datetime.date, months_back: int) -> datetime.date:
    year, month = divmod(today.month - 1 - months_back, 12)
    return datetime.date(today.year + year, month + 1, 1)


def consultation_indicator_computed(*, strategy) -> PerformanceIndicator | None:
    """The demo counts young people's feedback as taking part in consultation."""
    indicator = PerformanceIndicator.objects.filter(
        objective__strategy=strategy, title__startswith=CONSULTATION_TITLE
    ).first()
    if indicator and indicator.computation != Computation.CONSULTATION_FEEDBACK:
        indicator.computation = Computation.CONSULTATION_FEEDBACK
        indicator.data_source = (
            "Counted by the portal: feedback sent by young people in care and care leavers"
        )
        indicator.save(update_fields=["computation", "data_source"])
    return indicator


@transaction.atomic
def communications_demo_load(*, strategy, today: datetime.date | None = None) -> int:
    """Add the demo newsletters, young people's pages and feedback, once. Returns newsletters made."""
    today = today or timezone.localdate()
    consultation = consultation_indicator_computed(strategy=strategy)
    indicators = list(
        PerformanceIndicator.objects.filter(objective__strategy=strategy, figures__status="verified")
        .distinct()
        .order_by("-counts_children", "objective__number", "position")
    )
    counted_from_feedback = [consultation] if consultation else []
    about_young_people = [*counted_from_feedback, *(i for i in indicators if i != consultation)][:4]
    if not YoungPeoplePage.objects.exists():
        page = YoungPeoplePage.objects.create(
            introduction=INTRODUCTION,
            aims=AIMS,
            pledge=PLEDGE,
            pledge_is_demo=True,
            done_so_far=DONE_SO_FAR,
            help_and_advocacy=HELP,
        )
        page.indicators.set(about_young_people)
    if not Feedback.objects.exists():
        _demo_feedback(today)
    if Newsletter.objects.exists():
        return 0
    made = 0
    for months_back in range(11, -1, -1):
        month = month_start(today, months_back)
        newsletter = Newsletter.objects.create(
            month=month,
            summary=f"News for corporate parents in {month:%B %Y}: achievements, figures and training.",
            headline=f"Welcome to the corporate parenting newsletter for {month:%B %Y} (demo content).\n\n"
            "Thank you for everything you do as a corporate parent.",
            stories=f"- {STORIES[months_back % len(STORIES)]}\n- {STORIES[(months_back + 2) % len(STORIES)]}",
            # The meeting's date, time and venue come from the Board's meetings; this is the note beside them.
            next_board_meeting="Members of the public are welcome; papers are published a week before.",
            training=TRAINING[months_back % len(TRAINING)],
        )
        newsletter.headline_indicators.set(indicators[months_back % 3 : months_back % 3 + 3])
        if months_back > 0:  # this month's issue stays a draft
            # Back issues are published as they were at the time, without emailing anyone today.
            published_at = timezone.make_aware(datetime.datetime.combine(month, datetime.time(9)))
            newsletter.status = Newsletter.Status.PUBLISHED
            newsletter.publish_at = newsletter.published_at = published_at
            newsletter.published_figures = public_figures(newsletter.headline_indicators.all())
            newsletter.save()
        made += 1
    return made


def _demo_feedback(today: datetime.date) -> None:
    """About two years of feedback, enough for the consultation indicator to show real counts."""
    rng = random.Random("demo feedback")
    now = timezone.now()
    acted = FeedbackTag.objects.get_or_create(name="placements")[0]
    for days_back in range(3, 730, 9):
        sender, topic, message = FEEDBACK_MESSAGES[rng.randrange(len(FEEDBACK_MESSAGES))]
        feedback = Feedback.objects.create(
            sender=sender,
            topic=topic,
            message=f"{message} (demo)",
            received_at=now - datetime.timedelta(days=days_back, hours=rng.randrange(12)),
            acted_on=days_back > 90,
            counts_as_consultation=days_back > 14,  # the officer has read all but the newest
        )
        if feedback.topic == "home":
            feedback.tags.add(acted)
    Feedback.objects.create(
        sender="care_leaver",
        topic="home",
        message="Can someone call me about my housing? (demo)",
        contact_consent=True,
        reply_phone="07700 900 982",
        received_at=now - datetime.timedelta(days=1),
    )
