"""Pydantic models: RealWorld's request and response envelopes, and the field rules."""
