"""crud-api: a task manager that teaches the foundation (auth, CRUD, per-user isolation)."""
