"""The audit log: every sign-in, refusal and change is recorded, and nothing can rewrite it."""

import datetime
import html
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditEntry
from indicators.choices import Frequency
from portal.roles import Role, group_for

from . import factories
from .factories import last_ended_period

PASSWORD = "a long and unguessable passphrase"


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def carers_trained(contributor):
    return factories.IndicatorFactory(
        title="Number of carers attending training",
        owner=contributor.organisation,
        frequency=Frequency.QUARTERLY,
    )


def test_a_figure_entered_and_changed_is_recorded_with_who_and_old_and_new_values(
    client, contributor, carers_trained
):
    period = last_ended_period(Frequency.QUARTERLY)
    url = reverse(
        "indicators:figure_edit", kwargs={"pk": carers_trained.pk, "start": period.start.isoformat()}
    )
    client.force_login(contributor)
    client.post(url, {"value": "42", "quality": "good", "note": "From the register", "save": ""})
    figure = carers_trained.figures.get()
    client.post(
        url, {"value": "44", "quality": "good", "note": "Corrected", "version": figure.version, "save": ""}
    )

    entries = AuditEntry.objects.filter(object_type="indicators.Figure", object_id=str(figure.pk))
    created = entries.get(event=AuditEntry.Event.CREATED)
    changed = entries.get(event=AuditEntry.Event.CHANGED)
    assert (created.actor_name, created.actor_id) == ("connor", contributor.pk)
    assert created.changes["value"] == [None, "42"]
    assert changed.changes["value"] == ["42", "44"]
    assert changed.changes["note"] == ["From the register", "Corrected"]
    assert changed.at.tzinfo is not None and changed.at.utcoffset().total_seconds() == 0


def test_sign_ins_and_failed_sign_ins_are_recorded_without_the_password(client, db):
    person = factories.UserFactory(username="sam", roles=[Role.BOARD_MEMBER])
    person.set_password(PASSWORD)
    person.save()
    client.post(reverse("login"), {"username": "sam", "password": "not the password at all"})
    client.post(reverse("login"), {"username": "sam", "password": PASSWORD})

    failed = AuditEntry.objects.get(event=AuditEntry.Event.SIGN_IN_FAILED)
    assert failed.detail == "Username tried: sam" and failed.client_ip == "127.0.0.1"
    signed_in = AuditEntry.objects.get(event=AuditEntry.Event.SIGNED_IN)
    assert (signed_in.actor_name, signed_in.object_id) == ("sam", str(person.pk))
    everything = str(list(AuditEntry.objects.values()))
    assert PASSWORD not in everything and "not the password at all" not in everything


def test_a_password_change_is_recorded_without_either_password(client, db):
    person = factories.UserFactory(username="sam", roles=[Role.BOARD_MEMBER])
    person.set_password(PASSWORD)
    person.save()
    entry = AuditEntry.objects.filter(object_type="portal.User", event=AuditEntry.Event.CHANGED).latest("pk")
    assert entry.changes["password"] == ["(hidden)", "(changed)"]
    assert "pbkdf2" not in str(list(AuditEntry.objects.values()))


def test_a_refused_page_is_recorded(client, councillor, demo_strategy):
    client.force_login(councillor)
    assert client.get(reverse("board:reports")).status_code == 403
    refusal = AuditEntry.objects.get(event=AuditEntry.Event.REFUSED)
    assert (refusal.actor_name, refusal.detail) == ("kim", "GET /board/reports/")


def test_giving_someone_a_role_is_recorded(officer, db):
    person = factories.UserFactory(username="newcomer")
    person.groups.add(group_for(Role.CONTRIBUTOR))
    entry = AuditEntry.objects.filter(object_type="portal.User", object_id=str(person.pk)).latest("pk")
    assert entry.changes == {"groups": [None, ["Contributors"]]}


def test_deleting_a_record_keeps_what_it_held(db):
    organisation = factories.OrganisationFactory(name="Youth Offending Team", key="yot")
    organisation.delete()
    entry = AuditEntry.objects.get(event=AuditEntry.Event.DELETED, object_type="objectives.Organisation")
    assert entry.changes["name"] == ["Youth Offending Team", None]


def test_entries_cannot_be_changed_or_deleted(db):
    factories.OrganisationFactory(name="Youth Offending Team", key="yot")
    entry = AuditEntry.objects.latest("pk")
    entry.detail = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's")
def test_the_database_refuses_to_rewrite_an_entry_whatever_the_code_does(db):
    factories.OrganisationFactory(name="Youth Offending Team", key="yot")
    entry = AuditEntry.objects.latest("pk")
    for statement in [
        "UPDATE audit_auditentry SET detail = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="cannot be changed or deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


def test_the_officer_reads_and_filters_the_log(client, officer, contributor, carers_trained):
    client.force_login(contributor)
    client.get(reverse("board:reports"))
    client.force_login(officer)
    text = page(client.get(reverse("audit:log")))
    assert "Audit log" in text and "Refused" in text and "GET /board/reports/" in text

    filtered = page(client.get(reverse("audit:log"), {"event": "refused", "actor": "nobody"}))
    assert "No entries match" in filtered
    filtered = page(client.get(reverse("audit:log"), {"event": "refused", "actor": "connor"}))
    assert "1 entry." in filtered


def test_a_date_range_the_wrong_way_round_gets_an_error_summary(client, officer):
    client.force_login(officer)
    text = page(client.get(reverse("audit:log"), {"since": "2026-10-01", "until": "2026-04-01"}))
    assert "There is a problem" in text and "The end date must be the same as or after the start date" in text


def test_nobody_can_change_entries_in_the_admin(client, superuser):
    factories.OrganisationFactory(name="Youth Offending Team", key="yot")
    entry = AuditEntry.objects.latest("pk")
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403


def test_feedback_is_recorded_without_its_message_or_contact_details(db):
    from communications.models import Feedback

    feedback = Feedback.objects.create(
        sender=Feedback.Sender.CARE_LEAVER,
        topic=Feedback.Topic.choices[0][0],
        message="My name is Sam and I live at 1 High Street",
        contact_consent=True,
        reply_email="sam@example.org",
    )
    entry = AuditEntry.objects.get(object_type="communications.Feedback", object_id=str(feedback.pk))
    assert "Sam" not in str(entry.changes) and "sam@example.org" not in str(entry.changes)
    assert entry.changes["message"] == ["(hidden)", "(changed)"]


def test_the_log_shows_and_filters_utc_times(client, officer, settings):
    settings.TIME_ZONE = "Europe/London"
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    ):
        factories.OrganisationFactory(name="Youth Offending Team", key="yot")
    client.force_login(officer)
    text = page(client.get(reverse("audit:log"), {"object_type": "objectives.Organisation"}))
    assert "2026-07-01 23:30:00" in text  # 00:30 on 2 July in London
    assert "1 entry." in page(
        client.get(reverse("audit:log"), {"since": "2026-07-01", "until": "2026-07-01"})
    )


def test_an_indicators_tolerance_and_change_check_are_recorded(officer, carers_trained):
    from decimal import Decimal

    from indicators.figures import targets_set

    targets_set(indicator=carers_trained, targets={}, amber_tolerance=Decimal("2.5"), change_check_percent=30)

    changed = AuditEntry.objects.get(
        event=AuditEntry.Event.CHANGED,
        object_type="indicators.PerformanceIndicator",
        object_id=str(carers_trained.pk),
    )
    assert changed.changes["amber_tolerance"][1] == "2.5"
    assert changed.changes["change_check_percent"][1] == 30
