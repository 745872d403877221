#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, then type-check, lint (biome, ruff),
# and run every suite: Vitest (core, server), pytest (trainer), Playwright (e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
browser_flag=()
[ -f e2e/playwright.config.ts ] && browser_flag=(--browser)
bash scripts/setup.sh "${browser_flag[@]}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "typecheck"
npx tsc -b
step "lint"
npx biome check .
# Shell scripts are parsed, not run, here: the bench's and the set-up's too.
for f in .ci/run scripts/*.sh bench/*/*.sh; do bash -n "$f"; done
step "vitest"
npx vitest run
if [ -f apps/trainer/pyproject.toml ]; then
  uv_cmd=(uv)
  command -v uv >/dev/null 2>&1 || uv_cmd=(python3 -m uv)
  step "lint (trainer)"
  (cd apps/trainer && "${uv_cmd[@]}" run --frozen ruff check .)
  step "pytest (trainer)"
  (cd apps/trainer && "${uv_cmd[@]}" run --frozen pytest -q)
fi
if [ -f e2e/playwright.config.ts ]; then
  step "playwright (e2e)"
  npx playwright test -c e2e/playwright.config.ts
fi
