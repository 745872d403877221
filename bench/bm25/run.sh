#!/usr/bin/env bash
# BM25 benchmark: StepER's TypeScript index against bm25s (PyPI) on the same synthetic corpus,
# the same tokens and the same queries, one thread each; prints a side-by-side table.
#   bash bench/bm25/run.sh            (1,000,000 passages, 2,000 queries, 3 query rounds)
#   BENCH_PASSAGES=100000 BENCH_ROUNDS=2 bash bench/bm25/run.sh
# Query rounds alternate between the engines, so that on a shared machine both meet the same
# load; the report takes each engine's best round.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=bench/.out/bm25
venv=bench/.venv
rounds=${BENCH_ROUNDS:-3}
mkdir -p "$out"
rm -f "$out"/*.json

# bm25s's environment, created once; pinned so figures stay comparable between runs.
if ! "$venv/bin/python" -c 'import bm25s, numba; assert bm25s.__version__ == "0.3.16"' 2>/dev/null; then
  echo "[bench] creating $venv with bm25s 0.3.16, numpy 2.3.5, numba 0.62.1" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check bm25s==0.3.16 numpy==2.3.5 numba==0.62.1
fi
# One thread for numba and any BLAS, as for Node.
export NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
py="$venv/bin/python bench/bm25/bm25s_bench.py"

npx tsx --expose-gc bench/bm25/node-build.ts "$out"
$py build "$out"
for round in $(seq 1 "$rounds"); do
  npx tsx bench/bm25/node-queries.ts "$out" "$round"
  $py queries "$out" "$round" numba
done
# numpy is an order of magnitude slower: one round is enough to place it.
$py queries "$out" 1 numpy
npx tsx bench/bm25/report.ts "$out" "$rounds"
