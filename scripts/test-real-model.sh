#!/usr/bin/env bash
# Every test of the real pretrained model (SmolLM2-135M-Instruct from PyPI), the slow ones included:
# full fine-tuning, resume after a kill, ONNX export parity with fp16 / int8 / 4-bit (pytest); the
# model as a teacher and judge behind llama.cpp's server on real HotpotQA / 2Wiki / MuSiQue
# questions (Vitest); and its 4-bit export in the browser playground on WASM and WebGPU beside
# onnxruntime-node (Playwright). `npm test` runs only the fast ones. About 40 minutes on two cores,
# plus about 6 the first time (llama-cpp-python compiles once).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
uv_cmd=(uv)
command -v uv >/dev/null 2>&1 || uv_cmd=(python3 -m uv)
(cd apps/trainer && "${uv_cmd[@]}" run --frozen pytest -q -m real_model)
(cd apps/server && npx vitest run -c vitest.real-model.config.ts)
npx playwright test -c e2e/playwright.real-model.config.ts
