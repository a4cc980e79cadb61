"""The floor: bare FastAPI answering `GET /api/articles` with the same bytes blog-api's cache
holds, from memory, as a raw `Response`: no middleware, no logs, no Redis.

    uv run --frozen python blog-api/bench/bare.py --port 8001 --body body.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response


def bare_app(body: bytes) -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/articles")
    async def list_articles() -> Response:
        return Response(body, media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="bare FastAPI serving fixed bytes")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--body", type=Path, required=True)
    args = parser.parse_args()
    app = bare_app(args.body.read_bytes())
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
