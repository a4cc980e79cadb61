"""Sending mail: aiosmtplib to `SMTP_URL`, with a few tries and a doubling pause between
them; or, without `SMTP_URL`, an embedded aiosmtpd server that receives the mail and logs
it (so `make run` and a lone `uvicorn notifier.main:...` work without a mail server)."""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import aiosmtplib
from aiosmtpd.controller import Controller

from notifier.config import Settings
from shop_platform.devservers import free_port

logger = logging.getLogger("notifier.mailer")


class LoggingHandler:
    """aiosmtpd handler: accept every message and log who it was for."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        logger.info(
            "mail received for %s (%d bytes)",
            ", ".join(envelope.rcpt_tos),
            len(envelope.content or b""),
        )
        return "250 Message accepted for delivery"


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.host = "127.0.0.1"
        self.port = 0
        self._embedded: Controller | None = None

    async def start(self) -> None:
        if self.settings.smtp_url:
            parts = urlsplit(self.settings.smtp_url)
            self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 25
            return
        self.port = free_port()
        self._embedded = Controller(LoggingHandler(), hostname=self.host, port=self.port)
        await asyncio.to_thread(self._embedded.start)
        logger.warning("SMTP_URL is not set: mail goes to an embedded SMTP server on %d", self.port)

    async def stop(self) -> None:
        if self._embedded is not None:
            await asyncio.to_thread(self._embedded.stop)

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        """Send, trying `smtp_attempts` times; the last failure propagates."""
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        # Derived from the event: a copy sent after a crash carries the same id, which
        # mail clients use to drop duplicates.
        message["Message-ID"] = message_id
        message.set_content(body)
        pause = self.settings.smtp_backoff_seconds
        for attempt in range(1, self.settings.smtp_attempts + 1):
            try:
                await aiosmtplib.send(
                    message,
                    hostname=self.host,
                    port=self.port,
                    timeout=self.settings.smtp_timeout_seconds,
                )
                return
            except (aiosmtplib.SMTPException, OSError) as exc:
                if attempt == self.settings.smtp_attempts:
                    raise
                logger.warning("sending to %s failed (%s); retrying", to, exc)
                await asyncio.sleep(pause)  # back off from a struggling mail server
                pause *= 2
