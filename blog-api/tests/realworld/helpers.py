"""Small checks and payloads shared by the RealWorld scenario tests translated from Hurl."""

import re
from typing import Any

# The two timestamp patterns the Hurl files use with `matches`.
STARTS_WITH_DATE = r"^\d{4}-\d{2}-\d{2}T"
STARTS_WITH_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"


def auth_header(token: str) -> dict[str, str]:
    """The `Authorization: Token <jwt>` header the scenarios send."""
    return {"Authorization": f"Token {token}"}


def registration(username: str) -> dict[str, Any]:
    """The POST /api/users body the scenarios use for a plain new user."""
    return {
        "user": {
            "username": username,
            "email": f"{username}@test.com",
            "password": "password123",
        }
    }


def is_integer(value: object) -> bool:
    """Hurl's `isInteger`: a JSON integer; Python's bool is an int, JSON's is not."""
    return isinstance(value, int) and not isinstance(value, bool)


def matches(pattern: str, value: object) -> bool:
    """Hurl's `matches`: the value is a string in which the regex finds a match."""
    return isinstance(value, str) and re.search(pattern, value) is not None


# pytest rewrites asserts only in test modules, so these carry the article as their message.


def assert_article_shape(article: dict[str, Any]) -> None:
    """The typed fields of a single article (seven Hurl assertions, favorites.hurl)."""
    assert isinstance(article["title"], str), article
    assert isinstance(article["slug"], str), article
    assert isinstance(article["description"], str), article
    assert isinstance(article["body"], str), article
    assert isinstance(article["tagList"], list), article
    assert matches(STARTS_WITH_DATETIME, article["createdAt"]), article
    assert matches(STARTS_WITH_DATETIME, article["updatedAt"]), article


def assert_listed_article_shape(article: dict[str, Any]) -> None:
    """The typed fields of an article in a list, which leaves out the body (nine assertions)."""
    assert isinstance(article["title"], str), article
    assert isinstance(article["slug"], str), article
    assert isinstance(article["description"], str), article
    assert "body" not in article, article
    assert isinstance(article["tagList"], list), article
    assert matches(STARTS_WITH_DATETIME, article["createdAt"]), article
    assert matches(STARTS_WITH_DATETIME, article["updatedAt"]), article
    assert isinstance(article["favorited"], bool), article
    assert is_integer(article["favoritesCount"]), article
