// A share of the bench's receivers on the official socket.io-client, as a browser tab runs it:
// one `io()` Manager per client (forceNew), websocket transport, and permessage-deflate offered
// exactly as the client offers it by default (unless the parent says --no-deflate).
//
// Driven by the Python runner (runner.py, NodeWorkerPool) with one JSON line per command on
// stdin, answering one JSON line per reply on stdout, like load_worker.py over its pipe:
//   <- {"config": {...}}      connect and join every client, then -> {"kind": "ready", ...}
//   <- {"command": "go"}      start the CPU clock
//   <- {"command": "drain", "sent": N, "deadline_ns": T}
//                             wait for the last deliveries, then -> {"kind": "result", ...}
//   <- {"command": "close"}   disconnect and exit
// Latencies use process.hrtime, which is CLOCK_MONOTONIC on Linux: the sender's clock
// (Python's time.monotonic_ns) on the same machine.
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const MESSAGE_EVENT = "message:new";
const say = (kind, data) => process.stdout.write(JSON.stringify({ kind, ...data }) + "\n");
const count = (counter, reason) => {
  const key = String(reason).slice(0, 120);
  counter[key] = (counter[key] || 0) + 1;
};

class Receivers {
  constructor(clients, runId, totalMessages) {
    this.runId = runId;
    this.seen = Array.from({ length: clients }, () => new Uint8Array(totalMessages));
    this.latencies = new BigInt64Array(1024);
    this.delivered = 0;
    this.duplicates = 0;
    this.foreign = 0;
    this.otherEvents = {};
    this.lastReceivedNs = 0n;
    this.expected = -1;
    this.onAllDelivered = null;
  }

  record(client, event, data, receivedNs) {
    if (event !== MESSAGE_EVENT) {
      count(this.otherEvents, event);
      return;
    }
    const body = data && typeof data === "object" ? (data.body ?? data.message?.body) : undefined;
    const parts = typeof body === "string" ? body.split("|", 3) : [];
    if (parts.length < 3 || parts[0] !== this.runId) {
      this.foreign += 1;
      return;
    }
    const seq = Number(parts[1]);
    const seen = this.seen[client];
    if (seen[seq]) {
      this.duplicates += 1;
      return;
    }
    seen[seq] = 1;
    if (this.delivered === this.latencies.length) {
      const grown = new BigInt64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.delivered] = receivedNs - BigInt(parts[2]);
    this.delivered += 1;
    if (receivedNs > this.lastReceivedNs) this.lastReceivedNs = receivedNs;
    if (this.delivered === this.expected && this.onAllDelivered) this.onAllDelivered();
  }
}

function connectClient(config, client, receivers) {
  const token = config.tokens[client];
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const socket = io(config.url, {
      path: config.path,
      auth: token === null ? undefined : { token },
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: config.connect_timeout_ms,
      // The client's own default is {threshold: 1024}: offer the extension, compress only
      // its own large messages. false: offer nothing.
      perMessageDeflate: config.deflate ? { threshold: 1024 } : false,
    });
    socket.onAny((event, data) => receivers.record(client, event, data, process.hrtime.bigint()));
    socket.once("connect_error", (error) => resolve({ socket: null, connectFailure: error.message }));
    socket.once("connect", async () => {
      try {
        const ack = await socket
          .timeout(config.connect_timeout_ms)
          .emitWithAck("join", { room_id: config.room_id });
        if (ack && ack.ok === true) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({ socket, ms });
        } else {
          socket.disconnect();
          resolve({ socket: null, joinFailure: JSON.stringify([ack]) });
        }
      } catch (error) {
        socket.disconnect();
        resolve({ socket: null, joinFailure: String(error.message || error) });
      }
    });
  });
}

async function connectAll(config, receivers) {
  const sockets = [];
  const connectMs = [];
  const connectFailures = {};
  const joinFailures = {};
  let next = 0;
  const lane = async () => {
    while (next < config.tokens.length) {
      const client = next++;
      const outcome = await connectClient(config, client, receivers);
      if (outcome.socket) {
        sockets.push(outcome.socket);
        connectMs.push(outcome.ms);
      } else if (outcome.connectFailure !== undefined) {
        count(connectFailures, outcome.connectFailure);
      } else {
        count(joinFailures, outcome.joinFailure);
      }
    }
  };
  await Promise.all(Array.from({ length: config.connect_concurrency }, lane));
  return { sockets, connectMs, connectFailures, joinFailures };
}

async function main() {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) process.exit(0); // the parent went away
    return JSON.parse(value);
  };
  const { config } = await nextLine();
  const receivers = new Receivers(config.tokens.length, config.run_id, config.total_messages);
  const started = process.hrtime.bigint();
  const { sockets, connectMs, connectFailures, joinFailures } = await connectAll(config, receivers);
  say("ready", {
    joined: sockets.length,
    connect_failures: connectFailures,
    join_failures: joinFailures,
    connect_ms: connectMs,
    connect_wall_s: Number(process.hrtime.bigint() - started) / 1e9,
  });

  // Bytes off the wire (frames as sent, compressed or not), from "go" to the result.
  const wireBytes = () =>
    sockets.reduce((total, socket) => total + (socket.io.engine.transport.ws?._socket?.bytesRead ?? 0), 0);
  let command = await nextLine();
  const cpuStart = process.cpuUsage();
  const wireStart = wireBytes();
  command = await nextLine();
  const expected = command.sent * sockets.length;
  receivers.expected = expected;
  if (receivers.delivered < expected) {
    await new Promise((resolve) => {
      receivers.onAllDelivered = resolve;
      const waitMs = Math.max(0, Number(BigInt(command.deadline_ns) - process.hrtime.bigint()) / 1e6);
      setTimeout(resolve, waitMs);
    });
  }
  const cpu = process.cpuUsage(cpuStart);
  const latencies = receivers.latencies.subarray(0, receivers.delivered);
  say("result", {
    delivered: receivers.delivered,
    expected,
    duplicates: receivers.duplicates,
    foreign: receivers.foreign,
    other_events: receivers.otherEvents,
    last_received_ns: Number(receivers.lastReceivedNs),
    latencies_ns_b64: Buffer.from(latencies.buffer, latencies.byteOffset, latencies.byteLength).toString("base64"),
    disconnected: sockets.filter((socket) => !socket.connected).length,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    wire_bytes: wireBytes() - wireStart,
  });

  await nextLine(); // close
  for (const socket of sockets) socket.disconnect();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
