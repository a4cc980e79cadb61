"""Event schemas (one pydantic model per type and version) and the AsyncAPI document every service shares."""
