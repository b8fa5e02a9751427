from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import GROUP_NAMES, Role


class User(AbstractUser):
    """A person who signs in. Contributors belong to one organisation."""

    organisation = models.ForeignKey(
        "objectives.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Contributors enter data for the indicators this organisation owns.",
    )

    # The organisations an API token's account sends figures for, set when the token is checked;
    # people's accounts keep their one organisation.
    token_organisation_ids: frozenset[int] = frozenset()

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[Role]:
        if not hasattr(self, "_roles"):
            names = {name: role for role, name in GROUP_NAMES.items()}
            self._roles = frozenset(names[g.name] for g in self.groups.all() if g.name in names)
        return self._roles

    def enters_figures_for(self, organisation_id) -> bool:
        """A contributor enters the figures of their own organisation's indicators."""
        if organisation_id is None:
            return False
        return organisation_id == self.organisation_id or organisation_id in self.token_organisation_ids

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_names(self) -> list[str]:
        return [role.label for role in Role if role in self.roles]
