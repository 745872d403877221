#!/usr/bin/env bash
# Every test of the real pretrained model (SmolLM2-135M-Instruct from PyPI), the slow ones included:
# full fine-tuning, resume after a kill, ONNX export parity (pytest), and the model as a teacher
# behind `transformers serve` on real HotpotQA / 2Wiki / MuSiQue questions (Vitest).
# `npm test` runs only the fast ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
uv_cmd=(uv)
command -v uv >/dev/null 2>&1 || uv_cmd=(python3 -m uv)
(cd apps/trainer && "${uv_cmd[@]}" run --frozen pytest -q -m real_model)
(cd apps/server && npx vitest run -c vitest.real-model.config.ts)
