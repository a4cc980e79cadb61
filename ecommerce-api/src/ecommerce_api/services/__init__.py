"""Business logic and queries. Services raise shared domain errors, never HTTP ones."""
