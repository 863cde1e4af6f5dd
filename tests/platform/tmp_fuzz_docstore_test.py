import schemathesis
import pytest
from tests.platform.test_api_fuzz import ROLE_MODES, _failures, seeded_app  # noqa: F401


@pytest.mark.parametrize("role", list(ROLE_MODES))
def test_docstore_routes(role, world, seeded_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", seeded_app).include(path_regex="documents|working-groups|comments")
    assert 5 < len(list(schema.get_all_operations())) < 20
    failures = _failures(schema, seeded_app, world.auth(role), ROLE_MODES[role])
    assert not failures, "\n".join(failures)
