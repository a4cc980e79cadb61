"""realtime-chat: Socket.IO chat over FastAPI."""
