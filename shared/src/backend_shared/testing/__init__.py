"""Test helpers every project's suite uses: apps on fresh databases, a real Valkey,
a live uvicorn server, and token factories. Loaded as a pytest plugin (see plugin.py)."""
