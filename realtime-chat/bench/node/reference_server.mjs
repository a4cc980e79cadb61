// The Node reference: a Socket.IO 4 server with the chat's event names and nothing else, the
// same work as bare_server.py (join a room; message:send -> message:new to the room, with an
// ack). Socket.IO's own defaults throughout: it does not negotiate permessage-deflate
// (engine.io's perMessageDeflate is off unless set), whatever the client offers.
//   node bench/node/reference_server.mjs --port 8766
import { createServer } from "node:http";
import { Server } from "socket.io";

const portFlag = process.argv.indexOf("--port");
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 8766;
const httpServer = createServer();
const io = new Server(httpServer);
let messageIds = 0;

io.on("connection", (socket) => {
  socket.on("join", (data, ack) => {
    socket.join(data.room_id);
    ack({ ok: true });
  });
  socket.on("message:send", (data, ack) => {
    const message = {
      id: String(++messageIds),
      room_id: data.room_id,
      body: data.body,
      sender_sid: socket.id,
      created_at: Date.now() / 1000,
    };
    io.to(data.room_id).emit("message:new", message);
    ack({ ok: true, message });
  });
});

httpServer.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
