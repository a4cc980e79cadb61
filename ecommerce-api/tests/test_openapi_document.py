"""Every route documents what it answers: a success with its schema, and its errors in the
problem+json format, each with an example."""

from __future__ import annotations

from ecommerce_api.config import Settings
from ecommerce_api.main import create_app

NEVER_FAIL = {("get", "/health"), ("get", "/categories")}
SHARED_HEALTH = {("get", "/health"), ("get", "/ready")}  # the shared package's own routes


def test_every_operation_documents_its_answer_and_its_errors() -> None:
    document = create_app(Settings(app_env="test", _env_file=None)).openapi()  # type: ignore[call-arg]
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 40
    for method, path, operation in operations:
        responses = operation["responses"]
        [success] = [code for code in responses if code.startswith("2")]
        if success != "204" and (method, path) not in SHARED_HEALTH:
            [content] = responses[success]["content"].values()
            assert content.get("schema"), (method, path)
        if (method, path) in NEVER_FAIL:
            continue
        errors = [code for code in responses if code[0] in "45"]
        assert errors, (method, path)
        if (method, path) in SHARED_HEALTH:
            continue
        for code in errors:
            problem = responses[code]["content"]["application/problem+json"]
            assert problem["example"]["status"] == int(code), (method, path, code)
