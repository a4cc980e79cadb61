"""The shared input rules every project's models use: text that is real Unicode, datetimes
that exist in UTC, ids parsed strictly, and identifiers compared in one folded form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from backend_shared.clock import UtcDatetime
from backend_shared.ids import parse_object_id
from backend_shared.models import QueryModel, StrictModel
from backend_shared.testing.hostile_input import LONE_SURROGATE, fullwidth
from backend_shared.text import fold_identifier


class Author(StrictModel):
    name: str


class Post(StrictModel):
    title: str
    tags: list[str] = []
    labels: dict[str, str] = {}
    author: Author | None = None
    due: UtcDatetime | None = None


class Filters(QueryModel):
    search: str | None = None


def only_error(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    [error] = exc.value.errors()
    return dict(error)


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"title": f"a{LONE_SURROGATE}"}, ("title",)),
        ({"title": "ok", "tags": ["fine", LONE_SURROGATE]}, ("tags",)),
        ({"title": "ok", "labels": {LONE_SURROGATE: "key"}}, ("labels",)),
        ({"title": "ok", "labels": {"value": LONE_SURROGATE}}, ("labels",)),
        ({"title": "ok", "author": {"name": LONE_SURROGATE}}, ("author", "name")),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_body_names_its_field(
    data: dict[str, Any], loc: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as exc:
        Post.model_validate(data)
    error = only_error(exc)
    assert (error["type"], error["loc"]) == ("invalid_text", loc)


def test_query_parameters_follow_the_same_rule() -> None:
    with pytest.raises(ValidationError) as exc:
        Filters.model_validate({"search": LONE_SURROGATE})
    assert only_error(exc)["loc"] == ("search",)
    assert Filters.model_validate({"search": "ok", "unknown": "ignored"}).search == "ok"


def test_every_other_character_is_accepted() -> None:
    text = "emoji \U0001f600, CJK \u6f22\u5b57, NUL \x00, fullwidth " + fullwidth("ada")
    assert Post.model_validate({"title": text, "tags": [text]}).title == text


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_a_datetime_with_no_utc_equivalent_is_a_validation_error(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Post.model_validate({"title": "t", "due": value})
    error = only_error(exc)
    assert (error["type"], error["loc"]) == ("datetime_out_of_range", ("due",))


def test_datetimes_at_the_edges_of_the_range_are_kept_in_utc() -> None:
    late = Post.model_validate({"title": "t", "due": "9999-12-31T18:59:59.9999-05:00"}).due
    assert late == datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
    early = Post.model_validate({"title": "t", "due": "0001-01-01T05:00:00+05:00"}).due
    assert early == datetime(1, 1, 1, tzinfo=UTC)
    naive = Post.model_validate({"title": "t", "due": "2026-01-01T12:00:00"}).due
    assert naive == datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        123456789012345678901234,
        "665f1c2ab1e4c2a1d3f0e9b",
        "665f1c2ab1e4c2a1d3f0e9b7\n",
        " 665f1c2ab1e4c2a1d3f0e9b7",
        fullwidth("665f1c2ab1e4c2a1d3f0e9b7"),
        b"665f1c2ab1e4",
        None,
    ],
)
def test_only_24_hexadecimal_digits_are_an_object_id(value: Any) -> None:
    assert parse_object_id(value) is None


def test_an_object_id_parses_in_either_case() -> None:
    assert str(parse_object_id("665F1C2AB1E4C2A1D3F0E9B7")) == "665f1c2ab1e4c2a1d3f0e9b7"


@pytest.mark.parametrize(
    ("variant", "folded"),
    [
        (fullwidth("Ada") + "@example.com", "ada@example.com"),
        (" ADA@Example.COM ", "ada@example.com"),
        ("Stra\u00dfe", "strasse"),
        ("\ufb01le", "file"),
        ("\u2460", "1"),
    ],
)
def test_identifiers_fold_to_one_form(variant: str, folded: str) -> None:
    assert fold_identifier(variant) == folded
    assert fold_identifier(folded) == folded
