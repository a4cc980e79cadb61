"""Token verification against identity's JWKS, safe for a burst of first requests.

A freshly started service hit by twenty customers at once meets identity's `kid` twenty
times before it has fetched the JWKS. The shared `TokenService` makes those callers queue
behind the one fetch in flight and then look again, so they all find the key it brought
(this fix began here and moved into shared). The name stays for the services' wiring."""

from __future__ import annotations

from backend_shared.auth.tokens import TokenService


class JwksVerifier(TokenService):
    """The shared verifier; see `TokenService.verify`."""
