"""Receivers on the official socket.io-client: Node processes running node/receivers.mjs.

The same interface as runner.WorkerPool (tell, replies, close), over each process's stdin and
stdout (one JSON line per command and per reply), and replies converted to what the Python
workers send, so runner.summarize reads both alike.
"""

import asyncio
import base64
import json
import shutil
import subprocess
from array import array
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RECEIVERS = BENCH / "node" / "receivers.mjs"


def require_node_client() -> str:
    """The node binary, once `npm ci` has installed socket.io-client beside this file."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("--client node needs Node.js 18+ (`node` on PATH)")
    if not (BENCH / "node_modules" / "socket.io-client").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit(f"--client node needs `npm ci` in {BENCH}, and npm is not on PATH")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True
        )
    return node


def _as_python_reply(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    if kind == "ready":
        payload["connect_ms"] = array("d", payload["connect_ms"]).tobytes()
    elif kind == "result":
        payload["latencies_ns"] = base64.b64decode(payload.pop("latencies_ns_b64"))
    return payload


class NodeWorkerPool:
    def __init__(self, configs: list[dict[str, Any]]) -> None:
        node = require_node_client()
        self.processes = [
            subprocess.Popen(
                [node, str(RECEIVERS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
            for _ in configs
        ]
        for process, config in zip(self.processes, configs, strict=True):
            self._write(process, {"config": config})

    @staticmethod
    def _write(process: "subprocess.Popen[str]", message: dict[str, Any]) -> None:
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps(message) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            pass  # it died; its missing reply says so

    def tell(self, command: str, *args: Any) -> None:
        message: dict[str, Any] = {"command": command}
        if command == "drain":
            message["sent"], message["deadline_ns"] = args
        for process in self.processes:
            self._write(process, message)

    async def replies(self, expected: str, within_s: float) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()

        def read(process: "subprocess.Popen[str]") -> str:
            assert process.stdout is not None
            return process.stdout.readline()

        try:
            async with asyncio.timeout(within_s):
                lines = await asyncio.gather(
                    *(loop.run_in_executor(None, read, process) for process in self.processes)
                )
        except TimeoutError:
            raise SystemExit(f"node receivers sent no {expected!r} within {within_s:g}s") from None
        replies = []
        for line in lines:
            if not line:
                raise SystemExit("a node receiver died (its error is above)")
            reply = json.loads(line)
            kind = reply.pop("kind")
            assert kind == expected, (kind, expected)
            replies.append(_as_python_reply(kind, reply))
        return replies

    async def close(self, *, graceful: bool) -> None:
        loop = asyncio.get_running_loop()
        if graceful:
            self.tell("close")
        for process in self.processes:
            try:
                await loop.run_in_executor(None, process.wait, 10 if graceful else 0.1)
            except subprocess.TimeoutExpired:
                process.kill()
                await loop.run_in_executor(None, process.wait)
