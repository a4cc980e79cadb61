"""RealWorld feed.hurl: the feed shows the articles of the authors a user follows."""

import httpx

from .helpers import assert_listed_article_shape, auth_header, is_integer, registration


async def test_feed_shows_articles_of_followed_authors(api: httpx.AsyncClient, uid: str) -> None:
    """A new user's feed is empty; after following an author who then publishes twice, the feed
    holds those two articles and pages with limit and offset."""
    # Register main user
    response = await api.post("/api/users", json=registration(f"feedm_{uid}"))
    assert response.status_code == 201, response.text
    main_token = response.json()["user"]["token"]

    # Register celeb user
    response = await api.post("/api/users", json=registration(f"feedc_{uid}"))
    assert response.status_code == 201, response.text
    celeb_token = response.json()["user"]["token"]

    # Feed for new user returns empty
    response = await api.get("/api/articles/feed", headers=auth_header(main_token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["articlesCount"] == 0
    assert len(body["articles"]) == 0

    # Main follows celeb
    response = await api.post(f"/api/profiles/feedc_{uid}/follow", headers=auth_header(main_token))
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["following"] is True

    # Celeb creates article 1
    response = await api.post(
        "/api/articles",
        headers=auth_header(celeb_token),
        json={
            "article": {
                "title": f"Feed Article 1 {uid}",
                "description": "Feed test 1",
                "body": "Feed body 1",
            }
        },
    )
    assert response.status_code == 201, response.text
    slug1 = response.json()["article"]["slug"]

    # Celeb creates article 2
    response = await api.post(
        "/api/articles",
        headers=auth_header(celeb_token),
        json={
            "article": {
                "title": f"Feed Article 2 {uid}",
                "description": "Feed test 2",
                "body": "Feed body 2",
            }
        },
    )
    assert response.status_code == 201, response.text
    slug2 = response.json()["article"]["slug"]

    # Main checks feed
    response = await api.get("/api/articles/feed", headers=auth_header(main_token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] == 2
    assert len(body["articles"]) == 2
    assert_listed_article_shape(body["articles"][0])
    assert body["articles"][0]["author"]["username"] == f"feedc_{uid}"

    # Feed with limit=1
    response = await api.get(
        "/api/articles/feed", params={"limit": 1}, headers=auth_header(main_token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["articles"]) == 1
    assert body["articlesCount"] == 2
    assert_listed_article_shape(body["articles"][0])
    assert body["articles"][0]["author"]["username"] == f"feedc_{uid}"
    assert body["articles"][0]["author"]["following"] is True

    # Feed with limit=1&offset=1
    response = await api.get(
        "/api/articles/feed", params={"limit": 1, "offset": 1}, headers=auth_header(main_token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["articles"]) == 1
    assert body["articlesCount"] == 2

    # Cleanup: delete articles
    response = await api.delete(f"/api/articles/{slug1}", headers=auth_header(celeb_token))
    assert response.status_code == 204, response.text

    response = await api.delete(f"/api/articles/{slug2}", headers=auth_header(celeb_token))
    assert response.status_code == 204, response.text

    # Cleanup: unfollow
    response = await api.delete(
        f"/api/profiles/feedc_{uid}/follow", headers=auth_header(main_token)
    )
    assert response.status_code == 200, response.text
