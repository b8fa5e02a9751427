"""The portal's roles: Django groups and the permissions each one holds.

A person can hold more than one role (the Board's chair is also an elected
member); what they may do is the union of their roles' permissions.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Corporate parenting officer"
    CONTRIBUTOR = "contributor", "Contributor"
    BOARD_MEMBER = "board_member", "Board member"
    ELECTED_MEMBER = "elected_member", "Elected member"


GROUP_NAMES = {
    Role.OFFICER: "Corporate parenting officers",
    Role.CONTRIBUTOR: "Contributors",
    Role.BOARD_MEMBER: "Board members",
    Role.ELECTED_MEMBER: "Elected members",
}

READ_STRATEGY = [
    "objectives.view_strategy",
    "objectives.view_objective",
    "objectives.view_action",
    "objectives.view_outcome",
    "objectives.view_organisation",
    "indicators.view_performanceindicator",
]
READ_BOARD = ["board.view_boardseat", "board.view_meeting"]
READ_REPORTS = ["board.view_evaluationreport"]
READ_NEWSLETTERS = ["communications.view_newsletter"]
ENTER_FIGURES = ["indicators.view_figure", "indicators.add_figure", "indicators.change_figure"]

# The officer may do everything in these apps; the other roles get named permissions.
OFFICER_APPS = {"objectives", "indicators", "board", "comparisons", "communications", "api"}

ROLE_PERMISSIONS = {
    # and every permission of OFFICER_APPS, added in create_role_groups
    Role.OFFICER: ["audit.view_auditentry"],
    Role.CONTRIBUTOR: READ_STRATEGY + ENTER_FIGURES + ["objectives.add_actionupdate"],
    Role.BOARD_MEMBER: READ_STRATEGY + READ_BOARD + READ_REPORTS + READ_NEWSLETTERS,
    Role.ELECTED_MEMBER: READ_STRATEGY + READ_BOARD + READ_NEWSLETTERS,
}


def create_role_groups(**kwargs) -> None:
    """Create or refresh one group per role with exactly its permissions."""
    from django.contrib.auth.models import Group, Permission

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        wanted = set(codenames)
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
            or (role == Role.OFFICER and permission.content_type.app_label in OFFICER_APPS)
        ]
        group.permissions.set(permissions)


def group_for(role: Role):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=GROUP_NAMES[role])
