"""Property-based fuzzing of the API from its OpenAPI schema (schemathesis), in-process on the ASGI app.

Every operation of ``/openapi.json`` gets requests that fit the schema, anonymous and as the
Secretariat, and requests that do not, on a seeded SQLite and PostgreSQL registry. The checks: no
5xx; the status code is one the schema documents; the body has the documented content type and
conforms to the documented schema (records, pages and the common error body). Generation is
derandomised, so a run is reproducible; a few examples per operation bound the run time.

No call depends on how fast processes start: the toolkit's worker processes are started before the app
answers (``start_toolkit``), and each call's budget is the work the toolkit's limits allow
(:mod:`permille.toolkit.limits`), not a wall-clock guess: the request timeout (:data:`HANG_S`) only stops
a hung test.

The operations are driven through schemathesis' Python API (``operation.as_strategy`` under
Hypothesis): one test reports every failing operation at once, and schemathesis' lazy pytest fixture
does not run under pytest 9 (it sets ``request.node._nodeid``).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.platform.conftest import demo_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 3  # per operation and generation mode
HANG_S = 600
"""Seconds after which a call counts as hung (schemathesis' default, 10 s, failed a toolkit call on a busy
machine); every operation's work is bounded by the API's own limits."""
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the report shows the failing request as sent
    suppress_health_check=list(HealthCheck),
)


def _failures(schema, app, headers: dict, modes: tuple[GenerationMode, ...]) -> list[str]:
    """Fuzz every operation of ``schema`` on ``app``; the schemathesis report of each failing one."""
    client = asgi.get_client(app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes:

            @FUZZ
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(session=client, headers=headers, checks=CHECKS, timeout=HANG_S)

            try:
                run()
            except Unsatisfiable:  # no parameter, no body: nothing can be made invalid
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, FailureGroup) as e:  # every failing operation is reported, not just the first
                example = "\n".join(getattr(e, "__notes__", []))  # Hypothesis: the request that failed
                failures.append(f"--- {operation.label} ({mode.value} data)\n{e}\n{example}")
    return failures


# Invalid requests are refused before the route runs whoever sends them: fuzzed once, as the Secretariat,
# who gets past every permission check into the service and the database.
ROLE_MODES = {
    "public": (GenerationMode.POSITIVE,),
    "secretariat": (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
}


@pytest.fixture(scope="module")
def seeded_app(world):
    """An app on the module's database of the backend, with the seed catalogues and demo records, configured
    as a deployment is (its public address set, for the e-mailed links of the account routes)."""
    environment = pytest.MonkeyPatch()
    environment.setenv("PERMILLE_PUBLIC_URL", "https://platform.example.org")
    yield demo_app(world.engine, start_toolkit=True)
    environment.undo()


@pytest.mark.parametrize("role", list(ROLE_MODES))
def test_no_server_error_and_responses_as_documented(role, world, seeded_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", seeded_app)
    assert len(list(schema.get_all_operations())) > 100  # every record kind, auth, KPIs, monitoring, toolkit
    failures = _failures(schema, seeded_app, world.auth(role), ROLE_MODES[role])
    assert not failures, f"{len(failures)} failing operation(s) as {role}:\n" + "\n".join(failures)
