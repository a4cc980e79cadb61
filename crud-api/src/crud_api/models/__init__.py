"""Pydantic models: request bodies, responses, and stored-document helpers."""
