#!/usr/bin/env bash
# Rebuilds public/demo, the in-browser playground's students and corpus index, from a finished
# experiment run (`steper experiment --preset standard --out RUN`):
#
#   RUN/result.json → its seed-1234 StepER (uniform) and Vanilla-KD (equal epochs) students
#   → their ONNX graphs + tokenizer and config → the run world's BM25 index → manifest (world,
#   loop, held-out test questions) → EM of each student on the multi-hop ones, in Node, and
#   whether int8 writes every step as fp32 does (then int8 is shipped, else fp32)
#   → transformers' greedy tokens for the parity tests (reference.json)
#
#   scripts/build-demo-student.sh RUN        (or DEMO_FROM=RUN)
#
# CPU only, no network, a few minutes on 2 cores. Knobs (environment): DEMO_SEED (the seed whose
# students are shipped, 1234), DEMO_TEST_QUESTIONS (the run's held-out questions, the first N of
# the test split: their multi-hop ones are listed and measured; 900, the standard preset's),
# DEMO_COMPARE_INT8 (1: measure int8 against fp32 and ship it when it agrees; 0: ship fp32
# without measuring int8), DEMO_WORK (scratch folder, .cache/demo-student), DEMO_OUT (public/demo).
set -euo pipefail
cd "$(dirname "$0")/.."

from=${1:-${DEMO_FROM:-}}
[ -n "$from" ] || { echo "usage: $0 EXPERIMENT_OUT (a folder with result.json and workspace/)" >&2; exit 2; }
from=$(cd "$from" && pwd)
[ -f "$from/result.json" ] || { echo "$from/result.json not found: is the experiment finished?" >&2; exit 1; }
work=${DEMO_WORK:-.cache/demo-student}
out=${DEMO_OUT:-public/demo}
seed=${DEMO_SEED:-1234}
test_questions=${DEMO_TEST_QUESTIONS:-900}
compare_int8=${DEMO_COMPARE_INT8:-1}

say() { printf '\033[1m[demo-student]\033[0m %s\n' "$*"; }
py() { uv run --project apps/trainer --frozen python "$@"; }

rm -rf "$work"
mkdir -p "$work"

say "1/6 the run's students (seed $seed) and world: $from"
# One line per student: name, student folder, training run folder; then the world's fields.
py - "$from" "$seed" >"$work/from.txt" <<'PY'
import json, sys
from pathlib import Path
run, seed = Path(sys.argv[1]), int(sys.argv[2])
result = json.loads((run / 'result.json').read_text())
wanted = {'steper': ('steper-uniform', None), 'vanilla': ('vanilla', 'epoch')}
for name, (objective, budget) in wanted.items():
    found = [s for s in result['systems'] if s['seed'] == seed and s['objective'] == objective
             and (budget is None or s['budget'] == budget)]
    if len(found) != 1:
        sys.exit(f'{run}/result.json: {len(found)} systems with objective {objective}, seed {seed}'
                 f'{f", budget {budget}" if budget else ""} (want one)')
    s = found[0]
    print(name, s['studentDir'], run / 'workspace' / 'training' / s['trainingRunId'], s['name'])
w = result['world']
print('world', w['seed'], w['passages'], w['questions'], w.get('style', 'paraphrased'), w.get('topK', 4))
preset = result['preset'] if isinstance(result['preset'], str) else result['preset'].get('name')
print('source', json.dumps({'experiment': preset, 'run': run.name, 'commit': result.get('commit'),
                            'split': result['split'], 'seed': seed}))
PY
cat "$work/from.txt"
read -r _ world_seed passages questions style topk < <(grep '^world ' "$work/from.txt")
source=$(grep '^source ' "$work/from.txt" | cut -d' ' -f2-)

say "2/6 ONNX graphs (fp32 from the run, int8 quantised here), tokenizer, config, training events"
for name in vanilla steper; do
  read -r _ student_dir training_dir label < <(grep "^$name " "$work/from.txt")
  mkdir -p "$work/models/$name/onnx"
  for f in config.json generation_config.json tokenizer.json tokenizer_config.json; do
    cp "$student_dir/$f" "$work/models/$name/$f"
  done
  cp "$student_dir/onnx/model.onnx" "$work/models/$name/onnx/model.onnx"
  cp "$training_dir/events.jsonl" "$work/$name.events.jsonl"
  # transformers' reference tokens come from the trained checkpoint, not from the ONNX graph.
  checkpoint=$(ls -d "$training_dir"/checkpoints/step-*/model | tail -n 1)
  mkdir -p "$work/export"
  ln -s "$(cd "$checkpoint" && pwd)" "$work/export/$name"
done
[ "$compare_int8" = 1 ] && py - "$work/models" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, 'apps/trainer')
from steper_trainer.export import write_variants
for name in ('vanilla', 'steper'):
    write_variants(Path(sys.argv[1]) / name / 'onnx' / 'model.onnx', False, ('int8',))
PY

ship() { # ship VARIANT: public/demo with that variant of each student
  rm -rf "$out"
  mkdir -p "$out/synthetic"
  cp "$from/workspace/corpora/corpus_demo/bm25.index" "$out/synthetic/bm25.index"
  for name in vanilla steper; do
    mkdir -p "$out/$name/onnx"
    for f in config.json generation_config.json tokenizer.json tokenizer_config.json; do
      cp "$work/models/$name/$f" "$out/$name/$f"
    done
    cp "$work/models/$name/onnx/$1" "$out/$name/onnx/$1"
  done
  npx tsx scripts/demo-student/manifest.ts --out "$out" --work "$work" --seed "$world_seed" \
    --passages "$passages" --questions "$questions" --style "$style" --top-k "$topk" \
    --test-questions "$test_questions" --source "$source"
}

say "3/6 public/demo with the fp32 graphs; the world's index (the run's own), manifest"
ship model.onnx

say "4/6 EM on the held-out multi-hop questions in Node (manifest heldOut), int8 against fp32"
against=()
[ "$compare_int8" = 1 ] && against=(--models "$work/models" --variants int8)
npx tsx scripts/demo-student/measure.ts --demo "$out" --write "${against[@]}" --out "$work/measure.json"
same=False
if [ "$compare_int8" = 1 ]; then
  same=$(py - "$work/measure.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(all(a['sameOutputs'] == a['questions'] for s in r['students'].values() for a in s['agreement']))
PY
  )
fi

if [ "$same" = True ]; then
  say "5/6 int8 writes every step as fp32 does: shipping int8"
  ship model_quantized.onnx
  npx tsx scripts/demo-student/measure.ts --demo "$out" --write --out "$work/measure-int8.json"
elif [ "$compare_int8" = 1 ]; then
  say "5/6 int8 answers differently from fp32: shipping fp32"
else
  say "5/6 int8 not measured (DEMO_COMPARE_INT8=0): shipping fp32"
fi

say "6/6 transformers' greedy tokens for the parity tests (reference.json)"
py scripts/demo-student/reference_tokens.py "$out" "$work"
du -sh "$out"
say "done: $out"
