"""Cart, idempotent checkout and order states driven by catalog's events."""
