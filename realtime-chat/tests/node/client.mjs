// The official socket.io-client against realtime-chat: connect with a token, join, hear a
// message from someone else, send one with an ack. One JSON line per step on stdout; the
// Python test (tests/test_node_client.py) drives it and checks each line.
//   node client.mjs <server-url> <access-token> <room-id>
import { io } from "socket.io-client";

const [url, token, roomId] = process.argv.slice(2);
const say = (step, data = {}) => console.log(JSON.stringify({ step, ...data }));
const fail = (why) => { say("failed", { why }); process.exit(1); };
setTimeout(() => fail("timed out"), 15000).unref();

const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
socket.on("connect_error", (error) => { say("refused", { message: error.message }); process.exit(0); });
socket.on("connect", async () => {
  const joined = await socket.timeout(5000).emitWithAck("join", { room_id: roomId });
  if (!joined.ok) fail(`join: ${JSON.stringify(joined)}`);
  say("joined", { online: joined.online });
});
socket.on("message:new", async (message) => {
  say("received", { message });
  const ack = await socket.timeout(5000).emitWithAck("message:send", { room_id: roomId, body: "Hello from Node" });
  say("acked", { ack });
  socket.disconnect();
  process.exit(0);
});
