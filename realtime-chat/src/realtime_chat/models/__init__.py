"""Pydantic models: REST bodies and responses, Socket.IO event payloads."""
