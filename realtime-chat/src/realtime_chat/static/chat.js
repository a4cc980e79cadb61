// The chat page: REST for accounts, rooms and history; Socket.IO for everything live.
"use strict";

const state = { token: null, me: null, socket: null, roomId: null, online: new Map(), typing: new Map() };
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (response.status === 204) return null;
  const data = await response.json();
  if (!response.ok) throw new Error(data.detail || response.statusText);
  return data;
}

async function logIn(email, password) {
  const tokens = await api("POST", "/auth/login", { email, password });
  state.token = tokens.access_token;
  sessionStorage.setItem("chat-token", state.token);
  await start();
}

async function start() {
  state.me = await api("GET", "/users/me");
  $("auth-panel").hidden = true;
  $("chat-panel").hidden = false;
  $("status").textContent = `signed in as ${state.me.display_name || state.me.email}`;
  connect();
  await loadRooms();
}

function connect() {
  const socket = io({ auth: { token: state.token }, transports: ["websocket"] });
  state.socket = socket;
  socket.on("connect", () => {
    $("status").textContent = `online as ${state.me.display_name || state.me.email}`;
    if (state.roomId) joinLive(state.roomId);
  });
  socket.on("connect_error", (error) => { $("status").textContent = `cannot connect: ${error.message}`; });
  // A server disconnect is not retried: session:ended (just before it) says why.
  socket.on("session:ended", (event) => { $("status").textContent = `disconnected: ${event.message}`; });
  socket.on("disconnect", (reason) => {
    if (reason !== "io server disconnect") $("status").textContent = "reconnecting...";
  });
  socket.on("message:new", (message) => {
    if (message.room_id !== state.roomId) return;
    showMessage(message);
    clearTyping(message.sender.id);
    markReadSoon(message);
  });
  socket.on("message:edited", (message) => message.room_id === state.roomId && showMessage(message));
  socket.on("message:deleted", (message) => message.room_id === state.roomId && showMessage(message));
  socket.on("typing", (event) => {
    if (event.room_id !== state.roomId) return;
    if (event.typing) {
      clearTimeout(state.typing.get(event.user.id)?.timer);
      const timer = setTimeout(() => clearTyping(event.user.id), 4000);
      state.typing.set(event.user.id, { name: event.user.display_name, timer });
    } else clearTyping(event.user.id);
    showTyping();
  });
  socket.on("presence", (event) => {
    if (event.room_id !== state.roomId) return;
    if (event.online) state.online.set(event.user.id, event.user.display_name);
    else state.online.delete(event.user.id);
    showOnline();
  });
  socket.on("room:removed", (event) => {
    if (event.room_id === state.roomId) { state.roomId = null; $("room-title").textContent = "You were removed from that room"; }
    loadRooms();
  });
}

// A read receipt at most every two seconds while messages arrive in the open room.
let readTimer = null;
function markReadSoon(message) {
  clearTimeout(readTimer);
  readTimer = setTimeout(() => state.socket.emit("read", { room_id: message.room_id, message_id: message.id }), 2000);
}

function clearTyping(userId) {
  clearTimeout(state.typing.get(userId)?.timer);
  state.typing.delete(userId);
  showTyping();
}

function showTyping() {
  const names = [...state.typing.values()].map((t) => t.name || "someone");
  $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing...` : "";
}

function showOnline() {
  const list = $("online");
  list.replaceChildren(...[...state.online.values()].map((name) => {
    const item = document.createElement("li");
    item.textContent = name || "someone";
    return item;
  }));
}

async function loadRooms() {
  const page = await api("GET", "/rooms?limit=100");
  $("rooms").replaceChildren(...page.items.map((room) => {
    const item = document.createElement("li");
    item.dataset.id = room.id;
    item.className = room.id === state.roomId ? "active" : "";
    const name = document.createElement("span");
    name.textContent = (room.private ? "\u{1F512} " : "# ") + room.name;
    item.append(name);
    if (room.unread_count) {
      const badge = document.createElement("span");
      badge.className = "unread";
      badge.textContent = room.unread_count;
      item.append(badge);
    }
    item.addEventListener("click", () => openRoom(room));
    return item;
  }));
}

function joinLive(roomId) {
  return new Promise((resolve, reject) => {
    state.socket.emit("join", { room_id: roomId }, (ack) => {
      if (!ack.ok) return reject(new Error(ack.error.message));
      state.online = new Map(ack.online.map((user) => [user.id, user.display_name]));
      showOnline();
      resolve(ack);
    });
  });
}

async function openRoom(room) {
  $("chat-error").textContent = "";
  try {
    if (state.roomId && state.roomId !== room.id) state.socket.emit("leave", { room_id: state.roomId });
    if (!room.is_member) await api("POST", `/rooms/${room.id}/join`);
    state.roomId = room.id;
    state.typing.clear();
    showTyping();
    $("room-title").textContent = room.name;
    await joinLive(room.id);
    const history = await api("GET", `/rooms/${room.id}/messages?limit=50`);
    $("messages").replaceChildren();
    history.items.reverse().forEach(showMessage);
    if (history.items.length) await api("POST", `/rooms/${room.id}/read`, { message_id: history.items.at(-1).id });
    $("message-input").disabled = false;
    $("send").disabled = false;
    $("message-input").focus();
    await loadRooms();
  } catch (error) {
    $("chat-error").textContent = error.message;
  }
}

function showMessage(message) {
  let item = document.querySelector(`#messages li[data-id="${message.id}"]`);
  if (!item) {
    item = document.createElement("li");
    item.dataset.id = message.id;
    $("messages").append(item);
  }
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = message.sender.display_name || "someone";
  const body = document.createElement("span");
  body.className = message.deleted ? "body deleted" : "body";
  body.textContent = message.deleted ? "message deleted" : message.body + (message.edited_at ? " (edited)" : "");
  item.replaceChildren(who, body);
  item.scrollIntoView({ block: "end" });
}

$("auth-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("auth-error").textContent = "";
  try { await logIn($("email").value, $("password").value); } catch (error) { $("auth-error").textContent = error.message; }
});

$("signup").addEventListener("click", async () => {
  $("auth-error").textContent = "";
  const email = $("email").value, password = $("password").value;
  try {
    await api("POST", "/auth/signup", { email, password, display_name: $("display-name").value || null });
    await logIn(email, password);
  } catch (error) { $("auth-error").textContent = error.message; }
});

$("new-room").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const room = await api("POST", "/rooms", { name: $("room-name").value, description: "", private: $("room-private").checked });
    $("room-name").value = "";
    await openRoom(room);
  } catch (error) { $("chat-error").textContent = error.message; }
});

let lastTyping = 0;
$("message-input").addEventListener("input", () => {
  if (!state.roomId || Date.now() - lastTyping < 1500) return;
  lastTyping = Date.now();
  state.socket.emit("typing", { room_id: state.roomId, typing: true });
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("message-input");
  const body = input.value;
  if (!body.trim() || !state.roomId) return;
  state.socket.emit("message:send", { room_id: state.roomId, body }, (ack) => {
    if (!ack.ok) { $("chat-error").textContent = ack.error.message; return; }
    $("chat-error").textContent = "";
    input.value = "";
    lastTyping = 0;
    state.socket.emit("typing", { room_id: state.roomId, typing: false });
    showMessage(ack.message);
  });
});

const saved = sessionStorage.getItem("chat-token");
if (saved) { state.token = saved; start().catch(() => sessionStorage.removeItem("chat-token")); }
