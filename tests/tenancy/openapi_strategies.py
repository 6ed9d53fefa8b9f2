"""Hypothesis strategies for requests described by our OpenAPI document.

Every UUID the generator can produce is one of the victim tenant's real ids, so each generated
request is an attempt to read, change or point at another tenant's data.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

# Path segment before "{param}" → the table whose ids make sense there.
SEGMENT_TABLE = {
    "contacts": "contacts",
    "conversations": "conversations",
    "messages": "messages",
    "services": "services",
    "staff": "staff",
    "bookings": "bookings",
    "members": "memberships",
    "api-keys": "api_keys",
    "availability-exceptions": "availability_exceptions",
    "closures": "business_closures",
    "integrations": "integration_credentials",
    "webhook-endpoints": "webhook_endpoints",
    "webhook-deliveries": "webhook_deliveries",
    "documents": "knowledge_documents",
    "canned-responses": "canned_responses",
    "calendar-feeds": "calendar_feeds",
    "calendar-imports": "calendar_imports",
    "email-channels": "email_channels",
}


@dataclass(frozen=True)
class GeneratedRequest:
    path: str
    query: dict[str, str]
    body: Any
    targets_victim: bool = field(default=False)


class SchemaStrategies:
    def __init__(self, spec: dict[str, Any], victim_ids: dict[str, list[uuid.UUID]]) -> None:
        self.spec = spec
        self.victim_ids = victim_ids
        self.all_ids = [i for ids in victim_ids.values() for i in ids]

    def uuid_for(self, table: str | None) -> st.SearchStrategy[str]:
        ids = self.victim_ids.get(table or "", []) or self.all_ids
        return st.sampled_from([str(i) for i in ids])

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.spec["components"]["schemas"][name]
        return schema

    def is_uuid(self, schema: dict[str, Any]) -> bool:
        schema = self.resolve(schema)
        options = [self.resolve(s) for s in schema.get("anyOf", [schema])]
        return any(o.get("format") == "uuid" for o in options)

    def value(self, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        schema = self.resolve(schema)
        if "anyOf" in schema or "oneOf" in schema:
            options: list[dict[str, Any]] = schema.get("anyOf") or schema.get("oneOf") or []
            return st.one_of([self.value(option, depth) for option in options])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        if "const" in schema:
            return st.just(schema["const"])
        kind = schema.get("type")
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            return st.integers(schema.get("minimum", -10), schema.get("maximum", 10_000))
        if kind == "number":
            return st.floats(schema.get("minimum", -10), schema.get("maximum", 10_000), allow_nan=False)
        if kind == "array":
            if depth > 2:
                return st.just([])
            return st.lists(self.value(schema.get("items", {}), depth + 1), max_size=3)
        if kind == "object" or "properties" in schema:
            return self.obj(schema, depth)
        if kind == "string":
            return self.string(schema)
        return st.one_of(st.none(), st.text(max_size=5))

    def string(self, schema: dict[str, Any]) -> st.SearchStrategy[str]:
        fmt = schema.get("format")
        if fmt == "uuid":
            return self.uuid_for(None)
        if fmt == "date-time":
            return st.datetimes(datetime(2020, 1, 1), datetime(2035, 1, 1), timezones=st.just(UTC)).map(
                lambda d: d.isoformat()
            )
        if fmt == "date":
            return st.dates().map(lambda d: d.isoformat())
        if fmt == "time":
            return st.times().map(lambda t: t.strftime("%H:%M"))
        if fmt == "email":
            return st.from_regex(r"[a-z]{3,8}@example\.com", fullmatch=True)
        if "pattern" in schema:
            return st.from_regex(re.compile(schema["pattern"]), fullmatch=True)
        low, high = schema.get("minLength", 0), min(schema.get("maxLength", 30), 30)
        return st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=low, max_size=max(low, high))

    def obj(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields: dict[str, st.SearchStrategy[Any]] = {}
        for name, sub in properties.items():
            resolved = self.resolve(sub)
            if self.is_uuid(resolved) or (resolved.get("type") == "array" and self.is_uuid(resolved.get("items", {}))):
                table = SEGMENT_TABLE.get(name.removesuffix("_ids").removesuffix("_id") + "s")
                ids = self.uuid_for(table)
                fields[name] = st.lists(ids, max_size=2) if resolved.get("type") == "array" else ids
            else:
                fields[name] = self.value(sub, depth + 1)
        optional = [n for n in properties if n not in required]
        return st.fixed_dictionaries(
            {n: fields[n] for n in properties if n in required},
            optional={n: fields[n] for n in optional},
        )

    def request(self, path: str, operation: dict[str, Any]) -> st.SearchStrategy[GeneratedRequest]:
        segments = path.strip("/").split("/")
        path_values: dict[str, st.SearchStrategy[str]] = {}
        for index, segment in enumerate(segments):
            if segment.startswith("{"):
                previous = segments[index - 1] if index else ""
                path_values[segment.strip("{}")] = self.uuid_for(SEGMENT_TABLE.get(previous))
        query_values: dict[str, st.SearchStrategy[str]] = {}
        for param in operation.get("parameters", []):
            if param["in"] == "query":
                schema = self.resolve(param.get("schema", {}))
                flat = [self.resolve(s) for s in schema.get("anyOf", [schema])]
                if any(s.get("format") == "uuid" for s in flat):
                    table = SEGMENT_TABLE.get(param["name"].removesuffix("_id") + "s")
                    query_values[param["name"]] = self.uuid_for(table)
        body_schema = (
            operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        body = self.value(body_schema) if body_schema else st.none()

        @st.composite
        def build(draw: st.DrawFn) -> GeneratedRequest:
            filled = path
            for name, values in path_values.items():
                filled = filled.replace("{" + name + "}", draw(values))
            query = {name: draw(values) for name, values in query_values.items() if draw(st.booleans())}
            return GeneratedRequest(filled, query, draw(body), targets_victim=bool(path_values))

        return build()
