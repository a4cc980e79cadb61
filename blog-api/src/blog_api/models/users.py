"""Users and profiles: registration, login and account updates in, user and profile out."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from blog_api.models.base import RequestBody, ResponseBody
from blog_api.models.fields import (
    AnyPassword,
    Bio,
    Email,
    EmailChange,
    ImageUrl,
    LoginEmail,
    NewPassword,
    PasswordChange,
    Username,
    UsernameChange,
)

JAKE_PROFILE: dict[str, Any] = {
    "username": "jake",
    "bio": "I work at statefarm",
    "image": "https://api.realworld.io/images/smiley-cyrus.jpg",
    "following": False,
}


class NewUser(RequestBody):
    username: Username
    email: Email
    password: NewPassword


class NewUserRequest(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "user": {"username": "jake", "email": "jake@jake.jake", "password": "jakejake"}
            }
        }
    )

    user: NewUser


class LoginUser(RequestBody):
    email: LoginEmail
    password: AnyPassword


class LoginUserRequest(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={"example": {"user": {"email": "jake@jake.jake", "password": "jakejake"}}}
    )

    user: LoginUser


class UpdateUser(RequestBody):
    """Only the fields sent change. A blank bio or image clears it; the others refuse
    blank and null."""

    username: UsernameChange = None
    email: EmailChange = None
    password: PasswordChange = None
    bio: Bio = None
    image: ImageUrl = None


class UpdateUserRequest(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "user": {
                    "bio": "I like to skateboard",
                    "image": "https://i.stack.imgur.com/xHWG8.jpg",
                }
            }
        }
    )

    user: UpdateUser


class User(ResponseBody):
    email: str
    token: str
    username: str
    bio: str | None
    image: str | None

    @classmethod
    def from_doc(cls, doc: dict[str, Any], *, token: str) -> User:
        return cls(
            email=doc["email"],
            token=token,
            username=doc["username"],
            bio=doc.get("bio"),
            image=doc.get("image"),
        )


class UserEnvelope(ResponseBody):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "user": {
                    "email": "jake@jake.jake",
                    "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                    "username": "jake",
                    "bio": None,
                    "image": None,
                }
            }
        }
    )

    user: User


class Profile(ResponseBody):
    username: str
    bio: str | None
    image: str | None
    following: bool

    @classmethod
    def from_doc(cls, doc: dict[str, Any], *, following: bool) -> Profile:
        return cls(
            username=doc["username"],
            bio=doc.get("bio"),
            image=doc.get("image"),
            following=following,
        )


class ProfileEnvelope(ResponseBody):
    model_config = ConfigDict(json_schema_extra={"example": {"profile": JAKE_PROFILE}})

    profile: Profile
