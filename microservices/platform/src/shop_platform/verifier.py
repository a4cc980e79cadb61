"""Token verification against identity's JWKS, safe for a burst of first requests.

The shared `TokenService` fetches the JWKS when it meets an unknown `kid`, and refuses any
other unknown `kid` for 10 seconds after a fetch (so random kids cannot make every request a
call to identity). Those 10 seconds start when the fetch *starts*: requests that arrive while
the first fetch is in flight are refused with 401, although the key they need is on its way.
A freshly started service hit by twenty customers at once answers most of them 401.

Here callers with an unknown `kid` queue behind the fetch in flight and then look again, so
they find the key it brought. (A candidate for shared: this is a fix to its verifier.)"""

from __future__ import annotations

import asyncio
from typing import Any

from backend_shared.auth.tokens import TokenService


class JwksVerifier(TokenService):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fetching = asyncio.Lock()

    async def _fetch_key(self, kid: str) -> Any:
        async with self._fetching:
            key = self._local_key(kid, required=False)
            if key is not None:  # the fetch we waited for brought it
                return key
            return await super()._fetch_key(kid)
