"""The Department for Education's standard breakdowns of figures about children looked after
and care leavers, each with its "not recorded" group (SSDA903 and the CLA statistics' tables)."""

UNKNOWN = ("unknown", "Unknown or not recorded")

# code, name, [(group code, group label), ...]; the unknown group is added last.
STANDARD_DIMENSIONS = [
    (
        "age_band",
        "Age band",
        [
            ("under-1", "Under 1"),
            ("1-4", "1 to 4"),
            ("5-9", "5 to 9"),
            ("10-15", "10 to 15"),
            ("16-plus", "16 and over"),
        ],
    ),
    ("sex", "Sex", [("male", "Male"), ("female", "Female")]),
    (
        "ethnicity",
        "Ethnicity group",
        [
            ("white", "White"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("asian", "Asian or Asian British"),
            ("black", "Black, African, Caribbean or Black British"),
            ("other", "Other ethnic group"),
            ("refused", "Refused or information not yet obtained"),
        ],
    ),
    ("uasc", "Unaccompanied asylum-seeking children", [("yes", "UASC"), ("no", "Not UASC")]),
    ("disability", "Disability", [("yes", "Disabled"), ("no", "Not disabled")]),
    (
        "placement_type",
        "Placement type",
        [
            ("foster", "Foster placements"),
            ("adoption", "Placed for adoption"),
            ("parents", "Placed with parents or others with parental responsibility"),
            ("independent", "Other placements in the community"),
            ("secure-homes", "Secure units, children's homes and semi-independent living"),
            ("other", "Other residential settings and placements"),
        ],
    ),
    (
        "placement_location",
        "Placement location",
        [("inside", "Inside the council's area"), ("outside", "Outside the council's area")],
    ),
    (
        "care_leaver_age",
        "Care leaver's age",
        [("17-18", "17 to 18"), ("19-21", "19 to 21"), ("22-25", "22 to 25")],
    ),
]


def standard_dimensions_ensure(dimension_model, group_model) -> int:
    """Create the standard dimensions and groups that are missing; the models may be a migration's.

    Existing ones are left as the officer keeps them. Returns how many dimensions there are.
    """
    for order, (code, name, groups) in enumerate(STANDARD_DIMENSIONS, start=1):
        dimension, _ = dimension_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_standard": True}
        )
        for position, (group_code, label) in enumerate([*groups, UNKNOWN], start=1):
            group_model.objects.get_or_create(
                dimension=dimension,
                code=group_code,
                defaults={"label": label, "order": position, "is_unknown": (group_code, label) == UNKNOWN},
            )
    return len(STANDARD_DIMENSIONS)
