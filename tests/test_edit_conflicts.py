"""Two people editing the same record: the second to save sees both versions, and nothing is lost."""

import html
import threading
import time

import pytest
from django.db import connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from indicators.choices import Frequency
from indicators.models import Figure
from portal.roles import Role

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_people_entering_the_same_new_figure_at_once_get_a_conflict_never_an_error(contributor):
    indicator = factories.IndicatorFactory(owner=contributor.organisation, frequency=Frequency.QUARTERLY)
    colleague = factories.UserFactory(roles=[Role.CONTRIBUTOR], organisation=contributor.organisation)
    period = last_ended_period(Frequency.QUARTERLY)
    url = reverse("indicators:figure_edit", kwargs={"pk": indicator.pk, "start": period.start.isoformat()})
    first, second = signed_in(contributor), signed_in(colleague)
    first.get(url), second.get(url)  # both open the empty form

    # The first person's save holds its transaction open just after inserting, so the
    # second person's save finds no figure yet and inserts too: the race the constraint settles.
    first_inserted = threading.Event()

    def hold_first_insert(sender, instance, created, **kwargs):
        if created and threading.current_thread().name == "first":
            first_inserted.set()
            time.sleep(0.5)

    post_save.connect(hold_first_insert, sender=Figure, weak=False)
    responses = {}

    def post(name, client, value):
        try:
            responses[name] = client.post(url, {"value": value, "quality": "good", "note": f"{name}'s note"})
        finally:
            connections.close_all()

    try:
        thread = threading.Thread(target=post, name="first", args=("first", first, "11"))
        thread.start()
        assert first_inserted.wait(5)
        post("second", second, "22")
        thread.join(10)
    finally:
        post_save.disconnect(hold_first_insert, sender=Figure)

    assert responses["first"].status_code == 302
    conflict = responses["second"]
    assert conflict.status_code == 200
    text = page(conflict)
    assert "Someone else saved this figure while you were editing it" in text
    assert 'value="22"' in text and "second's note" in text  # what the second person typed is kept
    figure = Figure.objects.get(indicator=indicator)
    assert figure.value == 11 and figure.version == 1
    assert f'name="version" value="{figure.version}"' in text
    # Saving again deliberately replaces the first person's figure.
    again = second.post(url, {"value": "22", "quality": "good", "version": str(figure.version)})
    assert again.status_code == 302
    assert Figure.objects.get(indicator=indicator).value == 22
