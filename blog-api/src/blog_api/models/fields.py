"""The field rules every request body shares, worded as RealWorld words its errors
("can't be blank", "is too long (maximum is 200 characters)").

Each rule runs before pydantic's own type check, so a blank or null value gets the
RealWorld message rather than pydantic's; the `Field` constraints beside it only describe
the rule in OpenAPI (the validator has already enforced them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from blog_api.errors import BLANK


def _blank() -> PydanticCustomError:
    return PydanticCustomError("blank", BLANK)


def _too_long(max_length: int) -> PydanticCustomError:
    return PydanticCustomError(
        "too_long", "is too long (maximum is {n} characters)", {"n": max_length}
    )


def _text(*, min_length: int = 1, max_length: int, strip: bool = True) -> Any:
    """Required text: null and blank are "can't be blank"; outer spaces are trimmed."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise _blank()
        if not isinstance(value, str):
            raise PydanticCustomError("not_a_string", "must be a string")
        if strip:
            value = value.strip()
        if len(value) < min_length:
            raise PydanticCustomError(
                "too_short", "is too short (minimum is {n} characters)", {"n": min_length}
            )
        if len(value) > max_length:
            raise _too_long(max_length)
        return value

    return BeforeValidator(check)


def _optional_text(*, max_length: int) -> Any:
    """Optional profile text: null stays null, and "" means "nothing", stored as null."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise PydanticCustomError("not_a_string", "must be a string")
        if len(value) > max_length:
            raise _too_long(max_length)
        return value

    return BeforeValidator(check)


def _check_email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("invalid_email", "is invalid") from None


def _check_username(value: str) -> str:
    # Usernames appear in URLs (/api/profiles/{username}): no spaces or slashes, and not
    # "." or "..", which clients and proxies resolve as path steps.
    if not all(char.isalnum() or char in "_.-" for char in value):
        raise PydanticCustomError(
            "invalid_username", "may contain only letters, digits, '_', '.' and '-'"
        )
    if value in {".", ".."}:
        raise PydanticCustomError("invalid_username", "cannot be '.' or '..'")
    return value


Title = Annotated[
    str, _text(max_length=200), Field(min_length=1, max_length=200, examples=["How to train"])
]
Description = Annotated[
    str,
    _text(max_length=500),
    Field(min_length=1, max_length=500, examples=["Ever wonder how?"]),
]
Body = Annotated[
    str,
    _text(max_length=100_000, strip=False),
    Field(min_length=1, max_length=100_000, examples=["It takes a Jacobian"]),
]
Tag = Annotated[str, _text(max_length=50), Field(min_length=1, max_length=50)]


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


def _not_null(value: Any) -> Any:
    if value is None:
        raise _blank()
    return value


TagList = Annotated[
    list[Tag],
    BeforeValidator(_not_null),
    AfterValidator(_unique),
    Field(max_length=20, examples=[["dragons", "training"]]),
]

Username = Annotated[
    str,
    _text(max_length=40),
    AfterValidator(_check_username),
    Field(min_length=1, max_length=40, examples=["jake"]),
]
Email = Annotated[
    str,
    _text(max_length=254),
    AfterValidator(_check_email),
    Field(min_length=1, max_length=254, examples=["jake@jake.jake"]),
]
# NIST 800-63B: at least 8 characters, at least 64 accepted, no composition rules.
NewPassword = Annotated[
    str,
    _text(min_length=8, max_length=128, strip=False),
    Field(min_length=8, max_length=128, examples=["jakejake"]),
]
# A login checks credentials, not formats: any non-blank email is looked up.
LoginEmail = Annotated[
    str, _text(max_length=254), Field(min_length=1, max_length=254, examples=["jake@jake.jake"])
]
# A login must not reveal the password policy: any non-blank password is checked.
AnyPassword = Annotated[
    str,
    _text(max_length=1024, strip=False),
    Field(min_length=1, max_length=1024, examples=["jakejake"]),
]
Bio = Annotated[
    Annotated[str, Field(max_length=1000)] | None,
    _optional_text(max_length=1000),
    Field(examples=["I work at statefarm"]),
]
ImageUrl = Annotated[
    Annotated[str, Field(max_length=2000)] | None,
    _optional_text(max_length=2000),
    Field(examples=["https://api.realworld.io/images/smiley-cyrus.jpg"]),
]


# An update's fields are optional, but those that hold required values refuse an explicit
# null ("can't be blank") instead of erasing the value; leaving a field out changes nothing.
# OpenAPI shows the value's own schema, without the null the Python type needs.
_NotNull = BeforeValidator(_not_null)


def _schema_of(value_type: Any) -> WithJsonSchema:
    return WithJsonSchema(TypeAdapter(value_type).json_schema())


TitleChange = Annotated[Title | None, _NotNull, _schema_of(Title)]
DescriptionChange = Annotated[Description | None, _NotNull, _schema_of(Description)]
BodyChange = Annotated[Body | None, _NotNull, _schema_of(Body)]
TagListChange = Annotated[TagList | None, _NotNull, _schema_of(TagList)]
UsernameChange = Annotated[Username | None, _NotNull, _schema_of(Username)]
EmailChange = Annotated[Email | None, _NotNull, _schema_of(Email)]
PasswordChange = Annotated[NewPassword | None, _NotNull, _schema_of(NewPassword)]


def _iso_millis(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# RealWorld's timestamps: "2016-02-18T03:22:56.637Z", millisecond precision like BSON.
Timestamp = Annotated[
    datetime,
    PlainSerializer(_iso_millis, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
