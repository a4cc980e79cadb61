"""Accounts: sign-up, log-in, token refresh and the signed-in user's profile.

crud-api introduced these; every service with its own users (realtime-chat, ecommerce)
mounts the same routers instead of writing them again."""
