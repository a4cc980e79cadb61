"""HTTP routes, one module per resource: parse, call one service, return a schema."""
