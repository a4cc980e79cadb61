"""Pydantic models: stored documents (typed, never loose dicts) and API schemas."""
