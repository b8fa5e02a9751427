"""The fixed sets of values an indicator and its figures take."""

from django.db import models


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000 children"
    MONEY = "money", "Money (£)"
    YES_NO = "yes_no", "Yes or no"


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    NO_DIRECTION = "none", "Neither higher nor lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    HALF_YEARLY = "half_yearly", "Half-yearly"
    ANNUAL = "annual", "Annual"


class RagStatus(models.TextChoices):
    GREEN = "green", "On target"
    AMBER = "amber", "Near target"
    RED = "red", "Off target"
    NOT_RATED = "not_rated", "Not rated"
    NO_TARGET = "no_target", "No target"
    NO_DATA = "no_data", "No data"
    OVERDUE = "overdue", "Overdue"

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour of this status; the words carry the meaning, the colour repeats it."""
        return {"green": "green", "amber": "orange", "red": "red", "overdue": "pink"}.get(self.value, "grey")


class Trend(models.TextChoices):
    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    NO_CHANGE = "no_change", "No change"
    UP = "up", "Up"
    DOWN = "down", "Down"
    NOT_COMPARABLE = "not_comparable", "No earlier figure"


class Computation(models.TextChoices):
    CONTRIBUTING_ORGANISATIONS = (
        "contributing_organisations",
        "Organisations that submitted figures in the period",
    )
    BOARD_MEETINGS = "board_meetings", "Meetings of the Corporate Parenting Board held in the period"
    CONSULTATION_FEEDBACK = (
        "consultation_feedback",
        "Young people in care and care leavers who sent feedback in the period",
    )
    NEED_PROFILES = "need_profiles", "Profiles of need for discrete groups published in the period"
