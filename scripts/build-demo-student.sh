#!/usr/bin/env bash
# Rebuilds public/demo from scratch: the in-browser playground's students and corpus index.
#
#   synthetic world (seed 42, the `serve --demo` world) → BM25 index + offline evidence teacher
#   → filtered IRCoT step data → tiny Qwen2 model + byte-level BPE tokenizer trained on that text
#   → Vanilla-KD and StepER training on CPU → ONNX export (fp32, fp16) → public/demo
#
# CPU only, no network, minutes on 2 cores. Knobs (environment): DEMO_QUESTIONS (training
# questions used, default 200), DEMO_EPOCHS (1), DEMO_BATCH (questions per step, 2),
# DEMO_HIDDEN (64), DEMO_LAYERS (2), DEMO_VOCAB (2048), DEMO_WORK (scratch folder,
# .cache/demo-student), DEMO_OUT (public/demo).
set -euo pipefail
cd "$(dirname "$0")/.."

work=${DEMO_WORK:-.cache/demo-student}
out=${DEMO_OUT:-public/demo}
questions=${DEMO_QUESTIONS:-200}
epochs=${DEMO_EPOCHS:-1}
batch=${DEMO_BATCH:-2}
hidden=${DEMO_HIDDEN:-64}
layers=${DEMO_LAYERS:-2}
vocab=${DEMO_VOCAB:-2048}
seed=42
passages=3000
world_questions=2000

say() { printf '\033[1m[demo-student]\033[0m %s\n' "$*"; }
py() { uv run --project apps/trainer --frozen python "$@"; }

rm -rf "$work"
mkdir -p "$work"

say "1/6 synthetic world, BM25 index, evidence-teacher step data (the serve --demo world)"
npx tsx apps/server/src/cli/main.ts demo --workspace "$work/ws" \
  --seed "$seed" --passages "$passages" --questions "$world_questions" >"$work/demo.log"
cat "$work/demo.log"
examples=$(ls "$work"/ws/datasets/*/examples.jsonl | head -n 1)
index="$work/ws/corpora/corpus_demo/bm25.index"

say "2/6 training subset: the first $questions questions with kept traces"
py - "$examples" "$questions" "$work/train.jsonl" <<'PY'
import json, sys
src, limit, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
kept, rows = [], []
for line in open(src, encoding='utf-8'):
    row = json.loads(line)
    if row['questionId'] not in kept:
        if len(kept) == limit:
            continue
        kept.append(row['questionId'])
    rows.append(line)
open(dst, 'w', encoding='utf-8').writelines(rows)
print(f'{len(rows)} examples of {len(kept)} questions', file=sys.stderr)
PY

say "3/6 tiny Qwen2 student (hidden $hidden, $layers layers) + BPE tokenizer ($vocab) on the step data"
py -m steper_trainer.tiny_model --corpus "$examples" --out "$work/tiny" \
  --vocab-size "$vocab" --hidden-size "$hidden" --layers "$layers" --seed 0

say "4/6 training Vanilla-KD and StepER on CPU ($epochs epochs, same questions)"
for objective in vanilla steper-difficulty; do
  name=${objective%%-*}
  cat >"$work/$name.yaml" <<YAML
# written by scripts/build-demo-student.sh
data: train.jsonl
out_dir: runs/$name
model: tiny
objective: $objective
lr: 3.0e-3              # from scratch: far above the paper's 5e-6
sigma_lr: 0.01
epochs: $epochs
batch_size: $batch       # small batches: more updates for the same CPU time
warmup_ratio: 0.05
max_seq_len: 2048
gradient_checkpointing: false
precision: fp32
device: cpu
eval_every: 0
checkpoint_every: 0
keep_last: 1
log_every: 10
seed: 1234
YAML
  start=$SECONDS
  py -m steper_trainer train --config "$work/$name.yaml" >"$work/$name.events.jsonl" 2>"$work/$name.log"
  tail -n 2 "$work/$name.events.jsonl" | cut -c 1-300
  say "   $name trained in $((SECONDS - start)) s"
done

say "5/6 ONNX export (fp32, fp16, int8; int8 is not shipped)"
for name in vanilla steper; do
  py -m steper_trainer export --checkpoint "$work/runs/$name" --out "$work/export/$name" --formats onnx,hf
done

say "6/6 public/demo: students, index, questions, parity reference, manifest"
rm -rf "$out"
mkdir -p "$out/synthetic"
cp "$index" "$out/synthetic/bm25.index"
for name in vanilla steper; do
  mkdir -p "$out/$name/onnx"
  for f in config.json generation_config.json tokenizer.json tokenizer_config.json; do
    cp "$work/export/$name/$f" "$out/$name/$f"
  done
  cp "$work/export/$name/onnx/model.onnx" "$work/export/$name/onnx/model_fp16.onnx" "$out/$name/onnx/"
done
npx tsx scripts/demo-student/manifest.ts --out "$out" --work "$work" \
  --seed "$seed" --passages "$passages" --questions "$world_questions"
py scripts/demo-student/reference_tokens.py "$out" "$work"
du -sh "$out"
say "done: $out"
