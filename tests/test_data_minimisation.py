"""The portal holds aggregate figures and governance records, never an individual child's record.

This test fails when any model gains a field that would identify a child: a
name, date of birth, address, postcode or identifier such as an NHS number or
unique pupil number. Staff accounts (the user model) are people who sign in.
"""

import re

from django.apps import apps

IDENTIFYING = re.compile(
    r"(^|_)(child|pupil|young_person|care_leaver|carer)_?(name|first_name|surname|last_name)$"
    r"|(^|_)(first_name|last_name|surname|forename|full_name)$"
    r"|date_of_birth|birth_date|^dob$|(^|_)address|postcode|post_code"
    r"|nhs_number|nhs_no|(^|_)upn$|unique_pupil|ni_number|national_insurance|case_number|case_reference"
    r"|ethnicity|gender|(^|_)sex$|religion",
)
PEOPLE_WHO_SIGN_IN = {"portal.User", "auth.User"}


def test_no_model_holds_a_childs_identity():
    offending = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.label not in PEOPLE_WHO_SIGN_IN
        for field in model._meta.get_fields()
        if IDENTIFYING.search(field.name)
    ]
    assert not offending, (
        f"These fields could identify a child; the portal holds aggregates only: {offending}"
    )


def test_the_check_would_catch_an_identifying_field():
    for name in ["child_name", "date_of_birth", "postcode", "nhs_number", "upn", "home_address"]:
        assert IDENTIFYING.search(name), name
