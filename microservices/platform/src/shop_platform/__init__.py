"""What the shop's services share at run time: outbox relay, inbox, stream consumers, tracing, circuit breaker, upstream HTTP client."""
