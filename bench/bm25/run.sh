#!/usr/bin/env bash
# BM25 benchmark: StepER's TypeScript index against bm25s (PyPI) on the same corpora, the same
# tokens and the same queries, one thread each; prints one table per corpus and a summary of the
# speed-up per query set (1 sentence, 5 sentences, 1 … 100 terms, synthetic questions).
#   bash bench/bm25/run.sh       (synthetic 100k, 1M and 5M passages; real English text 100k and
#                                 all 202,499 passages; 1,000 queries a set, 3 query rounds)
#   BENCH_CONFIGS="real:202499 synthetic:100000" BENCH_QUERIES=300 BENCH_ROUNDS=2 bash bench/bm25/run.sh
# Query rounds alternate between the engines, so that on a shared machine both meet the same
# load; the report takes each engine's best round and prints the load average beside it.
set -euo pipefail
cd "$(dirname "$0")/../.."

configs=${BENCH_CONFIGS:-"synthetic:100000 synthetic:1000000 synthetic:5000000 real:100000 real:202499"}
rounds=${BENCH_ROUNDS:-3}
venv=bench/.venv

# bm25s's environment, created once; pinned so figures stay comparable between runs.
if ! "$venv/bin/python" -c 'import bm25s, numba, Stemmer; assert bm25s.__version__ == "0.3.16"' 2>/dev/null; then
  echo "[bench] creating $venv with bm25s 0.3.16, numpy 2.3.5, numba 0.62.1, PyStemmer 3.0.0" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check bm25s==0.3.16 numpy==2.3.5 numba==0.62.1 PyStemmer==3.0.0
fi
# One thread for numba and any BLAS, as for Node.
export NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
py="$venv/bin/python bench/bm25/bm25s_bench.py"

# The real-text corpus is made once (downloaded and unpacked), before any measured process.
case " $configs " in *" real:"*) npx tsx bench/bm25/real-corpus.ts ;; esac

dirs=()
for config in $configs; do
  kind=${config%%:*}
  passages=${config##*:}
  out=bench/.out/bm25/$kind-$passages
  rm -rf "$out"
  mkdir -p "$out"
  dirs+=("$out")
  echo "[bench] $kind corpus, $passages passages → $out" >&2
  cat /proc/loadavg >"$out/load-before.txt"
  BENCH_CORPUS=$kind BENCH_PASSAGES=$passages npx tsx --expose-gc bench/bm25/node-build.ts "$out"
  stem=0
  [ "$kind" = real ] && stem=1
  $py tokenize "$out" "$stem"
  $py build "$out"
  rm -f "$out/corpus_texts.jsonl" "$out/corpus_tokens.u32"
  for round in $(seq 1 "$rounds"); do
    npx tsx bench/bm25/node-queries.ts "$out" "$round"
    $py queries "$out" "$round" numba
  done
  cat /proc/loadavg >"$out/load-after.txt"
done
npx tsx bench/bm25/report.ts "$rounds" "${dirs[@]}"
