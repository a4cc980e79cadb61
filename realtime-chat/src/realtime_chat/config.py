"""realtime-chat settings: the shared ones, plus the knobs of the live side."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from backend_shared.settings import BaseServiceSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(BaseServiceSettings):
    # realtime-chat/.env (copied from .env.example), whatever directory the server starts in.
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "realtime-chat"
    mongodb_db: str = "realtime_chat"

    # A message body is 1 to this many characters.
    message_max_chars: int = Field(default=4000, ge=1, le=100_000)
    # Flood control: at most this many messages sent, edited or deleted per user in the
    # window (all instances).
    flood_max_messages: int = Field(default=10, gt=0)
    flood_window_seconds: int = Field(default=5, gt=0)
    # Flood checks waiting on Redis at once (per instance), and how long one may wait for
    # its turn before the message is refused as `unavailable`. The limiter's Redis pool
    # (100 connections) is shared with log-ins, which must always find one free.
    flood_check_concurrency: int = Field(default=16, gt=0, le=64)
    flood_check_wait_seconds: float = Field(default=5.0, gt=0)
    # Events one connection may have waiting for their ack; more are refused at once.
    socket_max_pending_events: int = Field(default=16, gt=0)
    # Joins per connection in the window: a join or leave can announce presence to the room.
    join_max_events: int = Field(default=10, gt=0)
    join_window_seconds: int = Field(default=10, gt=0)
    # At most one `typing` broadcast per connection and room in this many seconds; the
    # latest state inside the interval goes out when it ends.
    typing_throttle_seconds: float = Field(default=1.0, ge=0)
    # The same for `read` receipts, per user and room.
    read_receipt_throttle_seconds: float = Field(default=1.0, ge=0)
    # Presence: each instance refreshes its connections every heartbeat; an entry not
    # refreshed for the TTL (a crashed instance) is swept and announced offline.
    presence_heartbeat_seconds: float = Field(default=5.0, gt=0)
    presence_ttl_seconds: float = Field(default=15.0, gt=0)
    # Engine.IO: liveness pings, and the largest packet a client may send.
    socketio_ping_interval_seconds: float = Field(default=25.0, gt=0)
    socketio_ping_timeout_seconds: float = Field(default=20.0, gt=0)
    socketio_max_packet_bytes: int = Field(default=64_000, ge=1024)
    # Redis connections for presence and membership checks; a burst (500 clients leaving
    # at once) waits for a free one instead of failing.
    redis_max_connections: int = Field(default=64, gt=0)
    # Python's cyclic GC starts a young-generation pass every 700 net allocations by
    # default. Fan-out allocates a task per recipient, so a pass lands mid-emit, promotes
    # hundreds of live tasks, and soon triggers full passes over the whole heap: measured,
    # a third of the CPU and most of the p99 latency. A larger threshold lets them die
    # young. 0 keeps Python's default. Process-wide, set once at start-up.
    gc_gen0_threshold: int = Field(default=50_000, ge=0)
    # Per-message deflate (RFC 7692) on Socket.IO's websockets. Browsers and the official
    # client offer it; "on" accepts, and then every frame of every fan-out is compressed
    # once per recipient: measured, 3x the CPU per delivery and nearly 4x the memory per
    # connection, for 4.7x fewer bytes (README, Performance). "off" declines it, as
    # Socket.IO's own Node server does by default. uvicorn negotiates the extension before
    # the app runs, so this takes effect through `python -m realtime_chat`.
    ws_compression: Literal["off", "on"] = "off"


@lru_cache
def get_settings() -> Settings:
    return Settings()
