"""The Socket.IO side: the server, its event handlers, presence and the fan-out helpers."""
