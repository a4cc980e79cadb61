"""realtime-chat: Socket.IO chat with rooms, history and presence that scales out over Redis."""
