#!/usr/bin/env bash
# Installs what the workbench needs, once: npm packages, the trainer's Python environment,
# and (with --browser) Debian's Chromium for the end-to-end tests. Re-running is cheap:
# each step is skipped when what it would install is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# npm: reinstall only when the lock file changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.steper-lock-hash ] || [ "$(cat node_modules/.steper-lock-hash)" != "$lock_hash" ]; then
  say "installing npm packages (better-sqlite3 compiles from source: about 2 minutes)"
  # install, not ci: ci deletes node_modules first and so recompiles better-sqlite3 whenever the
  # lock changes. --no-save: the lock is read, never rewritten, so a fresh clone stays unmodified
  # (npm 11 writes back what it finds missing, e.g. other platforms' builds of biome).
  # onnxruntime-node would download CUDA files at install: skipped (an .npmrc key works too, but
  # npm warns about unknown keys on every command).
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.steper-lock-hash
fi

# Python trainer environment, managed by uv with the committed uv.lock.
if [ -f apps/trainer/pyproject.toml ]; then
  if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then
    say "installing uv (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check uv
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
  fi
  uv_cmd=(uv)
  command -v uv >/dev/null 2>&1 || uv_cmd=(python3 -m uv)
  say "syncing the trainer's Python environment (first time: torch, several GB)"
  (cd apps/trainer && "${uv_cmd[@]}" sync --frozen --all-extras --quiet)
fi

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
