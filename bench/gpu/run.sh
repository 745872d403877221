#!/usr/bin/env bash
# Issue 19's one command on a lent GPU machine (Python with torch, transformers, peft, accelerate;
# no Node, no network): the trainer against the plain Hugging Face loop (apps/trainer/bench/bench.py,
# cut at BENCH_SECONDS so the experiment always gets its minutes), then the GPU-sized experiment
# (apps/trainer/bench/gpu_experiment.py) on a bundle built here beforehand:
#
#   npm run steper -- experiment --preset gpu --out results/gpu --gpu-bundle bench/.out/gpu/bundle.tar.gz
#   device tool: run "bash bench/gpu/run.sh", carry ["bench/.out/gpu/bundle.tar.gz"], timeout_s 540
#   npm run steper -- experiment --preset gpu --out results/gpu --trained-on <files_at>
#
# The run writes machine.json (GPU, versions), bench.json and bench.log (part 1, row by row),
# experiment/ (runs.json, each stage's events, each student as a float16 folder) and
# experiment.log into a folder of its own; at the end, whatever happened, that folder is packed
# into $OUT as pieces the device tool brings back (at most 8 files, 16 MiB each, 64 MiB in all).
# The experiment is stopped at DEADLINE_SECONDS so the packing always has its time. A rerun on a
# warm machine after a failure can skip part 1 with BENCH_SECONDS=0. The test suite runs this on
# the CPU with a tiny bundle and BENCH_ARGS.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:?set OUT to the folder that comes back}
bundle=${1:-bench/.out/gpu/bundle.tar.gz}
python=${PYTHON:-$(command -v python3 || command -v python)}
bench_seconds=${BENCH_SECONDS:-90}
deadline=${DEADLINE_SECONDS:-500}
read -r -a bench_args <<< "${BENCH_ARGS:---shape qwen2.5-0.5b --steps 10 --warmup 3}"
if [ ! -f "$bundle" ]; then
  echo "run.sh: no bundle at $bundle: build it with steper experiment --gpu-bundle" >&2
  exit 2
fi
mkdir -p "$out"
run=$(mktemp -d)
started=$(date +%s)
# Local folders only (the machine has no network), and no progress bars in the logs that come back.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_PROGRESS_BARS=1 PYTHONUNBUFFERED=1
pack() {
  echo "run.sh: $(( $(date +%s) - started )) s, packing" | tee -a "$run/experiment.log"
  "$python" apps/trainer/bench/gpu_experiment.py pack --from "$run" --to "$out"
}
trap pack EXIT

"$python" - > "$run/machine.json" <<'PY'
import json, accelerate, peft, torch, transformers
gpu = torch.cuda.is_available()
print(json.dumps({
    'gpu': torch.cuda.get_device_name(0) if gpu else 'none (CPU)',
    'gpuMemoryGiB': round(torch.cuda.get_device_properties(0).total_memory / 2**30, 1) if gpu else None,
    'cuda': torch.version.cuda, 'torch': torch.__version__, 'transformers': transformers.__version__,
    'peft': peft.__version__, 'accelerate': accelerate.__version__,
}))
PY
cat "$run/machine.json"

if [ "$bench_seconds" -gt 0 ]; then
  set +e
  timeout "$bench_seconds" "$python" apps/trainer/bench/bench.py "${bench_args[@]}" --out "$run/bench.json" 2>&1 | tee "$run/bench.log"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" = 0 ] || echo "run.sh: bench.py stopped with status $status (124: cut at ${bench_seconds} s); its rows so far are in bench.json" | tee -a "$run/bench.log"
else
  echo "run.sh: bench.py skipped (BENCH_SECONDS=0)" | tee "$run/bench.log"
fi

left=$(( deadline - ($(date +%s) - started) ))
[ "$left" -ge 60 ] || left=60  # (timeout 0 would mean no limit at all)
timeout "$left" "$python" apps/trainer/bench/gpu_experiment.py train --bundle "$bundle" --out "$run/experiment" 2>&1 | tee "$run/experiment.log"
