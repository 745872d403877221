#!/usr/bin/env bash
# The README's start command: install what is missing, then serve the workbench on
# 127.0.0.1 with the embedded demo workspace (synthetic world, offline evidence teacher).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tsx apps/server/src/cli/main.ts serve --demo "$@"
