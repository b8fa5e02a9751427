from django.db import models


class DataVersion(models.Model):
    """One row whose token changes whenever a transaction that wrote to the portal's data commits.

    Rendered parts of pages are kept under the token they were rendered at, so a new token
    retires them all at once. The token is random rather than a counter: a rolled-back or
    restored database can never bring back a token that parts were kept under.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"Data version {self.token}, changed {self.changed_at:%Y-%m-%d %H:%M:%S}"
