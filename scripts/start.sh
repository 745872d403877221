#!/usr/bin/env bash
# The README's start command: install what is missing, build the web app when its sources
# changed, then serve the workbench on 127.0.0.1 with the embedded demo workspace
# (synthetic world, offline evidence teacher).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dist=apps/web/dist/index.html
if [ ! -f "$dist" ] || [ -n "$(find apps/web/src apps/web/index.html packages/core/src vite.config.ts public -newer "$dist" -print -quit)" ]; then
  echo "[start] building the web app"
  npx vite build --logLevel warn
fi
exec npx tsx apps/server/src/cli/main.ts serve --demo "$@"
