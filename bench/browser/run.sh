#!/usr/bin/env bash
# Browser student benchmark: the playground's student in Chromium (WASM, and WebGPU on SwiftShader —
# a smoke test on the CPU, not a GPU figure) beside the same model in onnxruntime-node, same prompts.
#   bash bench/browser/run.sh                 (3 questions, the StepER student)
#   BENCH_QUESTIONS=5 BENCH_STUDENT=vanilla bash bench/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
npx vite build --logLevel warn
npx tsx bench/browser/bench.ts
