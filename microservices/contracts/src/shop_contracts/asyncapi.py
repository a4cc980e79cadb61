"""The AsyncAPI 3.0 document of every shop event, generated from the schemas in `events`.

`python -m shop_contracts.asyncapi > docs/asyncapi.yaml` writes it; a test fails when the
file and the schemas disagree, so the document cannot drift from the code."""

from __future__ import annotations

import sys
from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from backend_shared.events import Envelope
from shop_contracts.events import CATALOGUE, EventSpec

REF = "#/components/schemas/{model}"


def _message_name(spec: EventSpec) -> str:
    return spec.schema.__name__


def _envelope_schema(spec: EventSpec) -> dict[str, Any]:
    schema = Envelope.model_json_schema(ref_template=REF)
    properties = dict(schema["properties"])
    properties["type"] = {"const": spec.type, "type": "string"}
    properties["version"] = {"const": spec.version, "type": "integer"}
    properties["data"] = {"$ref": REF.format(model=spec.schema.__name__)}
    schema["properties"] = properties
    schema["title"] = f"{spec.schema.__name__}Envelope"
    schema.pop("example", None)
    return schema


def asyncapi_document() -> dict[str, Any]:
    _, definitions = models_json_schema(
        [(spec.schema, "validation") for spec in CATALOGUE], ref_template=REF
    )
    schemas: dict[str, Any] = dict(definitions["$defs"])
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in CATALOGUE:
        name = _message_name(spec)
        schemas[f"{name}Envelope"] = _envelope_schema(spec)
        messages[name] = {
            "name": spec.type,
            "title": f"{spec.type} v{spec.version}",
            "summary": spec.summary,
            "contentType": "application/json",
            "payload": {"$ref": REF.format(model=f"{name}Envelope")},
        }
        channel = channels.setdefault(
            spec.type,
            {
                "address": f"events:{spec.type}",
                "description": "A Redis stream; the envelope travels in its `envelope` field.",
                "messages": {},
            },
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        channel_ref = {"$ref": f"#/channels/{spec.type}"}
        message_ref = [{"$ref": f"#/channels/{spec.type}/messages/{name}"}]
        key = spec.type.replace(".", "_")
        operations[f"{spec.producer}_sends_{key}"] = {
            "action": "send",
            "channel": channel_ref,
            "messages": message_ref,
            "summary": f"{spec.producer} publishes it through its outbox.",
        }
        for consumer in spec.consumers:
            operations[f"{consumer}_receives_{key}"] = {
                "action": "receive",
                "channel": channel_ref,
                "messages": message_ref,
                "summary": f"{consumer} reads it in its consumer group `{consumer}`.",
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Shop events",
            "version": "1.0.0",
            "description": "Every event the shop's services exchange over Redis Streams. "
            "Generated from microservices/contracts (python -m shop_contracts.asyncapi).",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    sys.stdout.write(render())
