"""The Corporate Parenting Board."""

from django.conf import settings
from django.db import models


class BoardSeatQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def for_page(self):
        return self.select_related("organisation", "person").order_by("-is_chair", "position")


class BoardSeat(models.Model):
    """A place on the Board: the role, the organisation it represents and who holds it."""

    strategy = models.ForeignKey("objectives.Strategy", on_delete=models.CASCADE, related_name="board_seats")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "objectives.Organisation", on_delete=models.PROTECT, related_name="board_seats"
    )
    is_chair = models.BooleanField(default=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_seats",
        help_text="Leave empty while the seat is vacant.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = BoardSeatQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="unique_board_seat_position")
        ]

    def __str__(self):
        return f"{self.role}, {self.organisation}"
