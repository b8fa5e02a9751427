"""Two-factor sign-in: required for officers and administrators, optional for everyone else."""

import html
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from portal.roles import Role

from . import factories
from .factories import PASSWORD


def page(response) -> str:
    return html.unescape(response.content.decode())


def sign_in_with_password(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_an_officer_needs_a_code_as_well_as_the_password(client, officer, demo_strategy):
    response = sign_in_with_password(client, officer)
    assert response.status_code == 302
    response = client.get(reverse("objectives:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("audit:log")).status_code == 302

    response = client.post(
        f"{reverse('two_factor_verify')}?next={reverse('objectives:overview')}",
        {"code": factories.current_code(officer)},
    )
    assert response["Location"] == reverse("objectives:overview")
    assert client.get(reverse("objectives:overview")).status_code == 200


def test_a_wrong_code_is_refused_with_an_error_summary_and_recorded(client, officer):
    sign_in_with_password(client, officer)
    wrong = f"{(int(factories.current_code(officer)) + 1) % 1_000_000:06d}"
    text = page(client.post(reverse("two_factor_verify"), {"code": wrong}))
    assert "There is a problem" in text and "The code is not right or has already been used" in text
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    assert AuditEntry.objects.filter(event="refused", detail="Two-factor code not accepted").exists()


def test_each_code_works_only_once(client, officer):
    code = factories.current_code(officer)
    sign_in_with_password(client, officer)
    client.post(reverse("two_factor_verify"), {"code": code})
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))

    sign_in_with_password(client, officer)
    text = page(client.post(reverse("two_factor_verify"), {"code": code}))
    assert "has already been used" in text
    assert client.get(reverse("home")).status_code == 302


def test_a_new_officer_sets_up_an_authenticator_before_anything_else(client, db):
    newcomer = factories.UserFactory(username="nia", roles=[Role.OFFICER], authenticator=False)
    sign_in_with_password(client, newcomer)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))

    text = page(client.get(reverse("two_factor_setup")))
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert "scan this QR code" in text and "<svg" in text
    text = page(client.post(reverse("two_factor_setup"), {"code": "12345"}))
    assert "Enter the code as 6 digits" in text
    assert client.get(reverse("home")).status_code == 302

    device.refresh_from_db()
    client.post(reverse("two_factor_setup"), {"code": factories.current_code_for_device(device)})
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert client.get(reverse("home")).status_code == 200


def test_a_councillor_signs_in_with_a_password_alone(client, councillor):
    sign_in_with_password(client, councillor)
    assert client.get(reverse("home")).status_code == 200
    assert "Set up two-factor sign-in" in page(client.get(reverse("account")))


def test_a_councillor_may_turn_two_factor_sign_in_on_and_off(client, councillor):
    client.force_login(councillor)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=councillor)
    client.post(reverse("two_factor_setup"), {"code": factories.current_code_for_device(device)})
    assert "On: you give a code" in page(client.get(reverse("account")))
    client.post(reverse("logout"))

    sign_in_with_password(client, councillor)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    # The code used to set the app up cannot be used again: the app's next one is.
    client.post(reverse("two_factor_verify"), {"code": factories.current_code(councillor, steps_ahead=1)})
    client.post(reverse("two_factor_turn_off"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=councillor).exists()


def test_an_officer_cannot_turn_two_factor_sign_in_off(client, officer):
    client.force_login(officer)
    assert client.post(reverse("two_factor_turn_off")).status_code == 403
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/"])
def test_the_next_page_stays_on_the_portal(client, officer, target):
    sign_in_with_password(client, officer)
    response = client.post(
        f"{reverse('two_factor_verify')}?next={target}", {"code": factories.current_code(officer)}
    )
    assert response["Location"] == reverse("home")


def test_a_password_alone_cannot_set_up_a_new_authenticator_in_place_of_the_old(client, officer):
    sign_in_with_password(client, officer)
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"] == reverse("two_factor_verify")
    assert client.post(reverse("two_factor_setup"), {"code": "123456"})["Location"] == reverse(
        "two_factor_verify"
    )
    assert list(TOTPDevice.objects.filter(user=officer).values_list("confirmed", flat=True)) == [True]
    assert client.get(reverse("audit:log")).status_code == 302


def audit_details(user) -> list[str]:
    return list(AuditEntry.objects.filter(object_id=str(user.pk)).values_list("detail", flat=True))


def test_turning_two_factor_off_asks_for_the_password_again_and_is_audited(client, councillor):
    factories.authenticator_for(councillor)
    client.force_login(councillor)
    assert "Turn off two-factor sign-in" in page(client.get(reverse("account")))
    form = page(client.get(reverse("two_factor_turn_off")))
    assert "Enter your password to confirm it is you" in form
    assert client.post(reverse("two_factor_turn_off")).status_code == 200
    refused = page(client.post(reverse("two_factor_turn_off"), {"password": "not the password"}))
    assert "Your password is not right: enter it again" in refused
    assert TOTPDevice.objects.filter(user=councillor, confirmed=True).exists()
    assert "Turning two-factor sign-in off: wrong password" in audit_details(councillor)
    response = client.post(reverse("two_factor_turn_off"), {"password": PASSWORD})
    assert response["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=councillor).exists()
    assert "Two-factor sign-in turned off" in audit_details(councillor)
    assert AuditEntry.objects.filter(event="deleted", object_type="otp_totp.TOTPDevice").exists()


def test_replacing_the_authenticator_needs_a_code_from_the_old_one_and_is_audited(client, officer):
    old = TOTPDevice.objects.get(user=officer, confirmed=True)
    client.force_login(officer)
    assert "Replace your authenticator app" in page(client.get(reverse("account")))
    refused = page(client.post(reverse("two_factor_replace"), {"code": "000000"}))
    assert "The code is not right or has already been used" in refused
    assert TOTPDevice.objects.filter(pk=old.pk).exists()
    assert "Replacing the authenticator app: wrong code" in audit_details(officer)
    time.sleep(1.1)  # after a wrong code the app's codes are refused for a second
    response = client.post(reverse("two_factor_replace"), {"code": factories.current_code(officer)})
    assert response["Location"] == reverse("two_factor_setup")
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert "Authenticator app removed to be replaced" in audit_details(officer)
    # Without an app the officer can do nothing but set up the new one.
    assert client.get(reverse("objectives:overview"))["Location"].startswith(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    client.post(reverse("two_factor_setup"), {"code": factories.current_code_for_device(new)})
    assert TOTPDevice.objects.get(user=officer).confirmed


def test_changing_the_password_asks_for_the_current_one_and_is_audited(client, councillor):
    client.force_login(councillor)
    new = {"new_password1": "seven blue herons fly", "new_password2": "seven blue herons fly"}
    refused = page(client.post(reverse("password_change"), {"old_password": "not it"} | new))
    assert "Your current password is not right" in refused
    councillor.refresh_from_db()
    assert councillor.check_password(PASSWORD)
    client.post(reverse("password_change"), {"old_password": PASSWORD} | new)
    councillor.refresh_from_db()
    assert councillor.check_password("seven blue herons fly")
    assert AuditEntry.objects.filter(
        event="changed", object_type="portal.User", object_id=str(councillor.pk)
    ).exists()
