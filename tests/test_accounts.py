"""Signing in and out, changing and resetting passwords."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from config.celery import app as celery_app

from . import factories
from .factories import PASSWORD


def test_signing_in_goes_to_the_home_page_after_the_code(client, officer):
    response = client.post(
        reverse("login"), {"username": officer.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    response = client.post(
        response.redirect_chain[-1][0], {"code": factories.current_code(officer)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your corporate parenting home" in response.content.decode()


def test_a_wrong_password_shows_an_error_summary(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page
    assert "<title>Error: " in page
    assert f'value="{officer.username}"' in page


def test_signing_out_ends_the_session(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_changing_password_needs_twelve_characters(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short-pw", "new_password2": "short-pw"},
    )
    assert "at least 12 characters" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "seven blue herons fly",
            "new_password2": "seven blue herons fly",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    officer.refresh_from_db()
    assert officer.check_password("seven blue herons fly")


def reset_link_from(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/password/reset/\S+/)", message.body).group(1)


def follow_reset_link_and_choose(client, link, new_password):
    response = client.get(link)
    assert response.status_code == 302  # Django swaps the token for a session marker
    return client.post(response["Location"], {"new_password1": new_password, "new_password2": new_password})


def test_password_reset_in_process_without_a_broker(client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": officer.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    response = follow_reset_link_and_choose(client, reset_link_from(mail.outbox[0]), "a brand new passphrase")
    assert response["Location"] == reverse("password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password("a brand new passphrase")


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_password_reset_email_is_sent_by_a_real_worker(client, officer, redis_url):
    assert celery_app.conf.broker_url == redis_url
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = client.post(reverse("password_reset"), {"email": officer.email})
        assert response["Location"] == reverse("password_reset_done")
        wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [officer.email]
    assert "/account/password/reset/" in mail.outbox[0].body


def wait_for(condition, timeout=20.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("The worker did not finish in time")


def test_form_errors_say_what_to_do(client, officer):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in page and "Enter your password" in page
    page = client.post(reverse("password_reset"), {"email": "not-an-address"}).content.decode()
    assert "Enter an email address in the correct format" in page
    client.force_login(officer)
    page = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "seven blue herons fly",
            "new_password2": "seven blue herons",
        },
    ).content.decode()
    assert "Your current password is not right" in page
    assert "Confirm new password" in page


def test_the_admin_refuses_a_contributor_without_an_organisation(client, superuser, officer):
    from portal.roles import Role, group_for

    client.force_login(superuser)
    url = reverse("admin:portal_user_change", args=[officer.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "username": officer.username,
        "first_name": "",
        "last_name": "",
        "email": officer.email,
        "is_active": "on",
        "groups": [group_for(Role.CONTRIBUTOR).pk],
        "organisation": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    response = client.post(url, data)
    assert "Choose the organisation this contributor works for" in response.content.decode()
    officer.refresh_from_db()
    assert not officer.groups.filter(name="Contributors").exists()


def test_sign_in_is_refused_after_ten_failures_without_saying_whether_the_account_exists(
    client, officer, settings
):
    from django.core.cache import cache

    cache.clear()
    for _ in range(10):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    refused = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert "Too many failed attempts to sign in" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    for _ in range(10):
        client.post(reverse("login"), {"username": "nobody-by-this-name", "password": "wrong"})
    unknown = client.post(reverse("login"), {"username": "nobody-by-this-name", "password": "wrong"})
    assert "Too many failed attempts to sign in" in unknown.content.decode()
    cache.clear()


def test_a_good_sign_in_clears_the_account_count(client, officer):
    from django.core.cache import cache

    cache.clear()
    for _ in range(9):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    assert (
        client.post(reverse("login"), {"username": officer.username, "password": PASSWORD}).status_code == 302
    )
    client.logout()
    # From another address: this address's count stands, as a good sign-in does not excuse other guesses.
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    client.post(reverse("login"), {"username": officer.username, "password": "wrong"}, **elsewhere)
    response = client.post(
        reverse("login"), {"username": officer.username, "password": PASSWORD}, **elsewhere
    )
    assert response.status_code == 302
    cache.clear()


def test_a_session_ends_twelve_hours_after_signing_in(client, officer, settings):
    client.force_login(officer)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["signed_in_at"] -= settings.SESSION_MAX_AGE_SECONDS + 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302  # signed out on the server, not just redirected


def test_behind_a_proxy_the_limits_count_each_visitors_own_address(client, officer, settings):
    from django.test import RequestFactory

    from core.addresses import client_address

    settings.TRUSTED_PROXY_HOPS = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "203.0.113.7"  # what the proxy saw; the visitor wrote 6.6.6.6
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_address(request) == "10.0.0.1"

    settings.TRUSTED_PROXY_HOPS = 1
    for _ in range(10):
        client.post(
            reverse("login"), {"username": "someone", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
    elsewhere = client.post(
        reverse("login"),
        {"username": officer.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert elsewhere.status_code == 302  # another visitor behind the same proxy is not locked out
