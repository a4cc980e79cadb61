"""The shop's only public entry: routes, edge token checks, timeouts, breakers, rate limits, merged API docs."""
