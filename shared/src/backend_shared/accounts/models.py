"""User and token schemas. The stored password hash never appears in a response model."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from backend_shared.ids import ObjectIdStr
from backend_shared.models import StrictModel

Password = Annotated[str, Field(min_length=8, max_length=128, examples=["correct-horse-battery"])]
DisplayName = Annotated[str, Field(min_length=1, max_length=100, examples=["Ada"])]


class SignupIn(StrictModel):
    email: EmailStr = Field(examples=["ada@example.com"])
    password: Password
    display_name: DisplayName | None = None


class LoginIn(StrictModel):
    email: EmailStr = Field(examples=["ada@example.com"])
    # Any length is accepted here: a login must not reveal the password policy.
    password: str = Field(min_length=1, max_length=1024, examples=["correct-horse-battery"])


class RefreshIn(StrictModel):
    refresh_token: str = Field(min_length=1, max_length=512, examples=["kB1v...Qz8"])


class UserUpdate(StrictModel):
    """Changing the email or the password needs the current password."""

    display_name: DisplayName | None = None
    email: EmailStr | None = None
    password: Password | None = None
    current_password: str | None = Field(default=None, min_length=1, max_length=1024)

    @model_validator(mode="after")
    def _current_password_for_credentials(self) -> UserUpdate:
        changes_credentials = self.email is not None or self.password is not None
        if changes_credentials and self.current_password is None:
            raise ValueError("current_password is required to change the email or password")
        if "email" in self.model_fields_set and self.email is None:
            raise ValueError("email cannot be null")
        return self


class UserPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9b7",
                "email": "ada@example.com",
                "display_name": "Ada",
                "created_at": "2026-11-21T09:30:00Z",
            }
        }
    )

    id: ObjectIdStr
    email: str
    display_name: str | None
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> UserPublic:
        return cls(
            id=doc["_id"], **{k: doc.get(k) for k in ("email", "display_name", "created_at")}
        )


class TokenPair(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                "token_type": "bearer",
                "expires_in": 900,
                "refresh_token": "kB1vQ2p...Qz8",
            }
        }
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 type name
    expires_in: int
    refresh_token: str
