"""blog-api: the RealWorld (Conduit) API."""
