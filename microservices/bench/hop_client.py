"""Why the gateway's upstream client is aiohttp: CPU per proxied call, per client library.

One local uvicorn server answers a small JSON body (400 bytes, like a page of products);
each client sends the same GET the way the gateway forwards it (one extra header, the body
read as a stream) over one keep-alive connection, sequentially. What is printed is the
calling process's CPU per call: the cost the gateway pays on every request.

    uv run python microservices/bench/hop_client.py [--calls 3000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpcore
import httpx
import uvloop

from shop_platform.devservers import free_port

SERVER = """
import sys, uvicorn

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"), (b"content-length", b"400")]})
    await send({"type": "http.response.body", "body": b"x" * 400})

uvicorn.run(app, port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(call: Callable[[], Awaitable[None]], calls: int) -> float:
    for _ in range(200):  # warm up: the connection, caches, first-call costs
        await call()
    started = cpu_seconds()
    for _ in range(calls):
        await call()
    return (cpu_seconds() - started) / calls * 1e6


async def compare(url: str, calls: int) -> dict[str, float]:
    headers = [("x-request-id", "bench")]
    results = {}
    async with httpx.AsyncClient() as client:

        async def with_httpx() -> None:
            request = client.build_request("GET", url, headers=headers)
            response = await client.send(request, stream=True)
            async for _ in response.aiter_raw():
                pass
            await response.aclose()

        results["httpx"] = await measure(with_httpx, calls)
    async with httpcore.AsyncConnectionPool() as pool:

        async def with_httpcore() -> None:
            async with pool.stream("GET", url, headers=[(b"x-request-id", b"bench")]) as response:
                async for _ in response.aiter_stream():
                    pass

        results["httpcore"] = await measure(with_httpcore, calls)
    async with aiohttp.ClientSession(auto_decompress=False) as session:

        async def with_aiohttp() -> None:
            async with session.get(url, headers=headers) as response:
                async for _ in response.content.iter_any():
                    pass

        results["aiohttp"] = await measure(with_aiohttp, calls)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        results = uvloop.run(compare(f"http://127.0.0.1:{port}/products?page=1", args.calls))
    finally:
        server.terminate()
        server.wait()
    for name, micros in results.items():
        print(f"{name:9} {micros:6.0f} us of CPU per call")


if __name__ == "__main__":
    main()
