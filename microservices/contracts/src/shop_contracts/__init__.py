"""Event schemas (one model per type and version) and their AsyncAPI document."""
