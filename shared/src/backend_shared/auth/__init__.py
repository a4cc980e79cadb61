"""Authentication: password hashing, access tokens, refresh tokens, request dependencies."""
