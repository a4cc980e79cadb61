"""Accounts and asymmetric access tokens with a JWKS; emits user.registered."""
