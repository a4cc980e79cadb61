#!/usr/bin/env bash
# What realtime-chat's browser and Node tests need beyond `uv sync`; safe to run again.
#   - Debian's chromium (headless, driven by Playwright through executable_path)
#   - the official socket.io-client from npm, pinned by tests/node/package-lock.json
#   - the Socket.IO browser client kept beside the page, checked against that same package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if command -v npm >/dev/null 2>&1; then
  (cd "$here/tests/node" && npm ci --no-audit --no-fund --loglevel=error)
  vendor="$here/src/realtime_chat/static/vendor"
  dist="$here/tests/node/node_modules/socket.io-client"
  if ! cmp -s "$dist/dist/socket.io.min.js" "$vendor/socket.io.min.js"; then
    cp "$dist/dist/socket.io.min.js" "$vendor/socket.io.min.js"
    cp "$dist/LICENSE" "$vendor/socket.io-client.LICENSE"
    echo "updated the page's Socket.IO client from npm: commit $vendor"
  fi
else
  echo "npm is not installed: the Node client test will be skipped" >&2
fi
