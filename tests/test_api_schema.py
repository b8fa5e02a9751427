"""The API tested as a client would: schemathesis against the live OpenAPI document.

For every operation and every kind of token, generated requests never get a
5xx, and every answer matches the schema (status, content type, body).
"""

import datetime
from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.models import Scope
from api.services import token_issue
from board.models import EvaluationReport
from indicators.models import Figure, Unit

from . import factories

# Kept small so the run takes a few minutes at most on a small machine.
EXAMPLES_PER_OPERATION = 8

SCOPES = {
    "read": [Scope.READ],
    "read_exact": [Scope.READ, Scope.READ_EXACT],
    "write_figures": [Scope.WRITE_FIGURES],
}


@pytest.fixture
def portal_data(agency_a):
    from comparisons.demo import published_statistics_load
    from indicators.catalogue import catalogue_load
    from indicators.models import CatalogueEntry

    catalogue_load(CatalogueEntry)  # a data migration's rows do not survive earlier transactional tests
    published_statistics_load()
    objective = factories.ObjectiveFactory(number=1)
    children = factories.IndicatorFactory(
        objective=objective, position=1, owner=agency_a, counts_children=True
    )
    money = factories.IndicatorFactory(objective=objective, position=2, owner=agency_a, unit=Unit.MONEY)
    factories.ActionFactory(objective=objective, position=1)
    factories.FigureFactory(indicator=children, value=Decimal("3"), status=Figure.Status.VERIFIED)
    factories.TargetFactory(indicator=children, value=Decimal("4"))
    factories.FigureFactory(indicator=money, value=Decimal("99.5"), status=Figure.Status.VERIFIED)
    factories.MeetingFactory()
    factories.compiled_report(objective.strategy, status=EvaluationReport.Status.PUBLISHED)
    return objective


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_every_operation_answers_within_its_schema_for_each_scope(
    live_server, settings, portal_data, agency_a, scope
):
    settings.API_REQUESTS_PER_MINUTE = 100_000
    issued = token_issue(
        name=f"Schema check {scope}",
        scopes=SCOPES[scope],
        organisations=[agency_a] if Scope.WRITE_FIGURES in SCOPES[scope] else [],
        expires_on=datetime.date.today() + datetime.timedelta(days=7),
        created_by=None,
    )
    headers = {"Authorization": f"Bearer {issued.secret}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def answers_within_the_schema(case):
            # Every other check runs. This one expects any well-formed request to be accepted, but
            # the schema only says what is well formed: a cursor the portal did not sign, or a
            # figure for an indicator that does not exist, is refused with what to correct.
            case.call_and_validate(
                base_url=live_server.url, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        answers_within_the_schema()
