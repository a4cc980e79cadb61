"""Helpers for crud-api's tests. crud-api mounts the shared accounts, so the shared
sign-up-and-log-in helper is this project's: a signed-up user in one line."""

from __future__ import annotations

from backend_shared.testing.accounts import PASSWORD, SignedUpUser, signup_and_login

User = SignedUpUser

__all__ = ["PASSWORD", "User", "signup_and_login"]
