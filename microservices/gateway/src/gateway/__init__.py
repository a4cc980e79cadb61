"""The shop's only public entry: routing, edge auth, timeouts, breakers, rate limits."""
