"""Single sign-on through the council's identity provider: a real OpenID provider on 127.0.0.1.

The provider (tests/openid_provider.py) signs real tokens with its own keys and publishes them;
each test says who its people are (their groups and how they proved who they are) and, for the
refusals, how the provider misbehaves.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal.models import User
from portal.roles import Role
from sso.models import GroupMapping, IdentityLink

from . import factories
from .conftest import require_service
from .openid_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    OpenIDProvider,
    install_provider,
    node_available,
    path_and_query,
)
from .test_browser import assert_accessible

OFFICER_GROUP = "6f1c2a34-officers"
CONNEXIONS_GROUP = "9b7d0e11-connexions"
BOARD_GROUP = "2d4e6f80-board"
UNRELATED_GROUP = "0a0b0c0d-all-staff"

ACCOUNTS = {
    "sub-olivia": {
        "claims": {
            "email": "olivia.okafor@example.gov.uk",
            "given_name": "Olivia",
            "family_name": "Okafor",
            "preferred_username": "olivia.okafor@example.gov.uk",
            "groups": [UNRELATED_GROUP, OFFICER_GROUP],
        },
        "amr": ["pwd", "mfa"],
    },
    "sub-oscar": {
        "claims": {
            "email": "oscar.owen@example.gov.uk",
            "name": "Oscar Owen",
            "groups": [OFFICER_GROUP],
        },
        "amr": ["pwd"],
    },
    "sub-connor": {
        "claims": {
            "email": "connor.cole@example.gov.uk",
            "given_name": "Connor",
            "family_name": "Cole",
            "groups": [CONNEXIONS_GROUP],
        },
        "amr": ["pwd"],
    },
    "sub-nadia": {
        "claims": {
            "email": "nadia.noor@example.gov.uk",
            "given_name": "Nadia",
            "family_name": "Noor",
            "groups": [UNRELATED_GROUP],
        },
        "amr": ["pwd", "mfa"],
    },
}


@pytest.fixture(scope="session")
def openid_provider(live_server):
    require_service(node_available(), "Node.js and npm (for the test OpenID provider)")
    install_provider()
    provider = OpenIDProvider(portal_origins=["http://testserver", live_server.url])
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def single_sign_on(settings, openid_provider, db, agency_a):
    """The portal with single sign-on set up, and the administrator's group mappings."""
    if openid_provider.process is None or openid_provider.process.poll() is not None:
        openid_provider.start()
    settings.SSO_DISCOVERY_URL = openid_provider.discovery_url
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_PROVIDER_NAME = "your Portsmouth City Council account"
    openid_provider.behave(accounts=ACCOUNTS)
    GroupMapping.objects.create(group_id=OFFICER_GROUP, name="Corporate parenting team", role=Role.OFFICER)
    GroupMapping.objects.create(
        group_id=CONNEXIONS_GROUP, name="Connexions staff", role=Role.CONTRIBUTOR, organisation=agency_a
    )
    GroupMapping.objects.create(group_id=BOARD_GROUP, name="Board members", role=Role.BOARD_MEMBER)
    return openid_provider


def sign_in(client, provider, username, *, next_page=""):
    """The whole journey: the portal's start, the provider's sign-in form, the portal's callback."""
    start = client.get(reverse("sso:start") + (f"?next={next_page}" if next_page else ""))
    assert start.status_code == 302
    back = provider.sign_in(start["Location"], username=username)
    assert back.startswith("http://testserver/sso/callback/"), back
    return client.get(path_and_query(back)), back


def sign_out(client):
    assert client.post(reverse("logout")).status_code == 302


def refusals():
    return list(AuditEntry.objects.filter(event=AuditEntry.Event.REFUSED, object_type="sso.sign_in"))


def assert_refused(client, response, words):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sso:refused"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You have not been signed in" in page.content.decode()
    assert words in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sign_in_request_uses_pkce_state_and_nonce(client, single_sign_on):
    start = client.get(reverse("sso:start"))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{single_sign_on.issuer}/auth?")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}


def test_an_officer_who_used_mfa_lands_on_the_officer_home_without_the_portal_code(client, single_sign_on):
    response, _ = sign_in(client, single_sign_on, "sub-olivia")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200, home.get("Location")
    assert (
        "Needs your attention" in home.content.decode()
        or "Your corporate parenting home" in home.content.decode()
    )

    person = User.objects.get(identity_links__subject="sub-olivia")
    assert person.roles == {Role.OFFICER}
    assert (person.first_name, person.last_name, person.email) == (
        "Olivia",
        "Okafor",
        "olivia.okafor@example.gov.uk",
    )
    assert not person.has_usable_password()
    link = person.identity_links.get()
    assert (link.issuer, link.subject) == (single_sign_on.issuer, "sub-olivia")
    assert AuditEntry.objects.filter(event=AuditEntry.Event.SIGNED_IN, actor_id=person.pk).exists()
    assert AuditEntry.objects.filter(event=AuditEntry.Event.CREATED, object_type="sso.IdentityLink").exists()


def test_an_officer_without_mfa_at_the_provider_is_asked_for_the_portal_code(client, single_sign_on):
    response, _ = sign_in(client, single_sign_on, "sub-oscar")
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two_factor_setup"))
    person = User.objects.get(identity_links__subject="sub-oscar")
    assert (person.first_name, person.last_name) == ("Oscar", "Owen")

    # With an authenticator set up, the next sign-in asks for its code.
    device = factories.authenticator_for(person)
    sign_out(client)
    response, _ = sign_in(client, single_sign_on, "sub-oscar")
    assert client.get(response["Location"])["Location"].startswith(reverse("two_factor_verify"))
    code = factories.current_code_for_device(device)
    verified = client.post(reverse("two_factor_verify"), {"code": code})
    assert verified.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_contributor_gets_the_organisation_their_group_maps_to_and_follows_changes(
    client, single_sign_on, agency_a, agency_b
):
    response, _ = sign_in(client, single_sign_on, "sub-connor", next_page=reverse("indicators:list"))
    assert response["Location"] == reverse("indicators:list")
    person = User.objects.get(identity_links__subject="sub-connor")
    assert person.roles == {Role.CONTRIBUTOR}
    assert person.organisation == agency_a

    # The provider moves them to the Board's group: the next sign-in follows, on the same account.
    accounts = ACCOUNTS | {
        "sub-connor": {
            **ACCOUNTS["sub-connor"],
            "claims": {**ACCOUNTS["sub-connor"]["claims"], "groups": [BOARD_GROUP]},
        }
    }
    single_sign_on.behave(accounts=accounts)
    sign_out(client)
    sign_in(client, single_sign_on, "sub-connor")
    person = User.objects.get(identity_links__subject="sub-connor")
    assert person.roles == {Role.BOARD_MEMBER}
    assert person.organisation is None
    assert User.objects.filter(identity_links__subject="sub-connor").count() == 1


def test_the_email_address_never_takes_over_an_existing_account(client, single_sign_on):
    local = factories.UserFactory(
        username="olivia", email="olivia.okafor@example.gov.uk", roles=[Role.CONTRIBUTOR]
    )
    sign_in(client, single_sign_on, "sub-olivia")
    person = User.objects.get(identity_links__subject="sub-olivia")
    assert person.pk != local.pk
    assert not local.identity_links.exists()


def test_someone_whose_groups_map_to_no_role_is_refused_and_the_refusal_is_audited(client, single_sign_on):
    response, _ = sign_in(client, single_sign_on, "sub-nadia")
    assert_refused(client, response, "not in any group that has access to the portal")
    assert not User.objects.filter(email="nadia.noor@example.gov.uk").exists()
    [entry] = refusals()
    assert "None of the person's groups gives a role" in entry.detail
    assert "nadia.noor@example.gov.uk" in entry.detail


@pytest.mark.parametrize(
    "misbehaviour, logged",
    [
        ("bad_signature", "not signed by the identity provider's keys"),
        ("wrong_audience", "issued for another service"),
        ("expired", "had expired"),
        ("replay", "nonce does not match"),
    ],
)
def test_a_token_that_fails_its_checks_is_refused_and_audited(client, single_sign_on, misbehaviour, logged):
    # A first sign-in gives the provider a token to replay later.
    sign_in(client, single_sign_on, "sub-olivia")
    sign_out(client)
    single_sign_on.behave(accounts=ACCOUNTS, id_token=misbehaviour)
    response, _ = sign_in(client, single_sign_on, "sub-olivia")
    assert_refused(client, response, "could not be checked")
    [entry] = refusals()
    assert logged in entry.detail


def test_a_replayed_state_is_refused_and_audited(client, single_sign_on):
    response, back = sign_in(client, single_sign_on, "sub-olivia")
    assert response["Location"] == reverse("home")
    again = client.get(path_and_query(back))
    assert_refused(client, again, "could not be checked")
    [entry] = refusals()
    assert "was used already" in entry.detail


def test_an_answer_for_a_sign_in_started_elsewhere_is_refused(client, single_sign_on):
    start = client.get(reverse("sso:start"))
    back = single_sign_on.sign_in(start["Location"], username="sub-olivia")
    stranger = type(client)()
    response = stranger.get(path_and_query(back))
    assert_refused(stranger, response, "could not be checked")


def test_a_rotated_signing_key_is_fetched_once_the_provider_uses_it(client, single_sign_on):
    sign_in(client, single_sign_on, "sub-olivia")  # the portal now holds the provider's first key
    sign_out(client)
    single_sign_on.restart(kid="key-2")
    single_sign_on.behave(accounts=ACCOUNTS)
    try:
        response, _ = sign_in(client, single_sign_on, "sub-olivia")
        assert response["Location"] == reverse("home")
        assert client.get(reverse("home")).status_code == 200
    finally:
        single_sign_on.restart(kid="key-1")


def test_signing_out_ends_the_portal_session_and_the_providers(client, single_sign_on):
    sign_in(client, single_sign_on, "sub-olivia")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    destination = urlsplit(response["Location"])
    assert (
        f"{destination.scheme}://{destination.netloc}{destination.path}"
        == f"{single_sign_on.issuer}/session/end"
    )
    query = parse_qs(destination.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/account/sign-in/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert client.get(reverse("home")).status_code == 302
    assert AuditEntry.objects.filter(event=AuditEntry.Event.SIGNED_OUT).exists()


def test_a_password_sign_out_still_goes_to_the_portal_sign_in(client, single_sign_on, contributor):
    client.force_login(contributor)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_the_sign_in_page_offers_the_councils_provider(client, single_sign_on):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your Portsmouth City Council account" in page
    assert reverse("sso:start") in page
    csp = client.get(reverse("login"))["Content-Security-Policy"]
    assert f"form-action 'self' {single_sign_on.issuer}" in csp


def test_passwords_can_be_kept_for_partner_agency_accounts_only(client, settings, single_sign_on, agency_b):
    settings.SSO_LOCAL_SIGN_IN = "local_accounts"
    staff = factories.UserFactory(username="sam", roles=[Role.CONTRIBUTOR], organisation=agency_b)
    partner = factories.UserFactory(
        username="pat", roles=[Role.CONTRIBUTOR], organisation=agency_b, local_account=True
    )
    page = client.get(reverse("login")).content.decode()
    assert "work only for accounts the portal has given to partner agencies" in page

    refused = client.post(reverse("login"), {"username": staff.username, "password": factories.PASSWORD})
    assert refused.status_code == 200
    assert "Enter a correct username and password" in refused.content.decode()
    accepted = client.post(reverse("login"), {"username": partner.username, "password": factories.PASSWORD})
    assert accepted.status_code == 302

    settings.SSO_LOCAL_SIGN_IN = "everyone"
    sign_out(client)
    assert (
        client.post(
            reverse("login"), {"username": staff.username, "password": factories.PASSWORD}
        ).status_code
        == 302
    )


def test_without_single_sign_on_the_portal_is_as_before(client, db):
    assert client.get(reverse("sso:start")).status_code == 404
    assert client.get(reverse("sso:callback")).status_code == 404
    page = client.get(reverse("login"))
    assert "Sign in with" not in page.content.decode()
    assert "form-action 'self';" in page["Content-Security-Policy"]


def test_an_unreachable_provider_is_explained_not_an_error(client, settings, db):
    settings.SSO_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_TIMEOUT_SECONDS = 2
    response = client.get(reverse("sso:start"))
    assert_refused(client, response, "could not be reached")


def test_a_contributor_mapping_needs_an_organisation(db):
    from django.core.exceptions import ValidationError

    mapping = GroupMapping(group_id="x", name="Contributors without a home", role=Role.CONTRIBUTOR)
    with pytest.raises(ValidationError, match="Choose the organisation"):
        mapping.full_clean()


def test_group_mappings_are_audited(db, agency_a):
    mapping = GroupMapping.objects.create(group_id="g-1", name="Team", role=Role.OFFICER)
    mapping.role = Role.BOARD_MEMBER
    mapping.save()
    entries = AuditEntry.objects.filter(object_type="sso.GroupMapping")
    assert {entry.event for entry in entries} == {AuditEntry.Event.CREATED, AuditEntry.Event.CHANGED}
    assert IdentityLink._meta.app_label == "sso"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_signs_in_and_out_through_the_provider_in_chromium(
    live_server, single_sign_on, demo_strategy, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/account/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with your Portsmouth City Council account").click()
    page.wait_for_url(f"{single_sign_on.issuer}/interaction/**")
    page.get_by_label("Provider username").fill("sub-olivia")
    page.get_by_role("button", name="Sign in to the provider").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Your corporate parenting home").is_visible()
    assert page.get_by_role("heading", name="Needs your attention").is_visible()
    assert_accessible(page)
    person = User.objects.get(identity_links__subject="sub-olivia")
    assert person.roles == {Role.OFFICER}

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{single_sign_on.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/account/sign-in/")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/account/sign-in/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_someone_without_a_mapped_group_sees_the_refusal_in_chromium(
    live_server, single_sign_on, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_role("button", name="Sign in with your Portsmouth City Council account").click()
    page.get_by_label("Provider username").fill("sub-nadia")
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(f"{live_server.url}/sso/refused/**")
    assert page.get_by_role("heading", name="You have not been signed in").is_visible()
    assert "not in any group that has access" in page.locator("#sso-refusal").inner_text()
    assert_accessible(page)
    assert len(refusals()) == 1


def test_production_settings_with_single_sign_on_pass_the_deployment_checks():
    from .test_settings import STRONG_KEY, manage

    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="portal.example.gov.uk",
        SSO_DISCOVERY_URL="https://login.example.com/tenant/v2.0/.well-known/openid-configuration",
        SSO_CLIENT_ID="portal",
        SSO_CLIENT_SECRET="a-secret",
        SSO_LOCAL_SIGN_IN="local_accounts",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_half_set_up_single_sign_on_says_what_to_set():
    from .test_settings import manage

    result = manage("check", SSO_DISCOVERY_URL="https://login.example.com/.well-known/openid-configuration")
    assert result.returncode != 0
    assert "Set SSO_CLIENT_ID and SSO_CLIENT_SECRET" in result.stderr
    result = manage("check", SSO_LOCAL_SIGN_IN="nobody")
    assert "Set SSO_LOCAL_SIGN_IN to everyone or local_accounts" in result.stderr


def test_the_single_sign_on_app_depends_on_the_accounts_app_not_the_other_way_round():
    import ast
    from pathlib import Path

    project = Path(__file__).resolve().parents[1]
    for path in (project / "portal").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            assert not any(name == "sso" or name.startswith("sso.") for name in names), path
