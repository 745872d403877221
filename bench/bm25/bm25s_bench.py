"""BM25 benchmark, bm25s side (run by run.sh, in bench/.venv).

  bm25s_bench.py tokenize OUT STEM    time bm25s's own tokeniser on the passage texts (English
                                      stop words; PyStemmer's Porter stemmer when STEM is 1), as a
                                      bm25s user pays it before indexing; time, peak memory
  bm25s_bench.py build OUT            index the token ids exported by node-build.ts (the StepER
                                      analyser's tokens, as a bm25s Tokenized object) with
                                      method="lucene", k1=1.2, b=0.75; time, memory; save it
  bm25s_bench.py queries OUT ROUND B  load the saved index; for each query set, warm up, time one
                                      pass over its exported query tokens, top 4, one thread,
                                      backend B (numba: retrieve(n_threads=1); numpy: n_threads=0)
"""

import gc
import json
import os
import resource
import sys
import time

import bm25s
import numba
import numpy as np
from bm25s.tokenization import Tokenized

K = 4
WARMUP = 20


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def log(msg: str) -> None:
    print(f"[bench:bm25s] {msg}", file=sys.stderr, flush=True)


def tokenize(out: str, stem: bool) -> None:
    with open(os.path.join(out, "corpus_texts.jsonl"), encoding="utf-8") as f:
        texts = [json.loads(line) for line in f]
    stemmer = None
    if stem:
        import Stemmer  # PyStemmer, as bm25s's README suggests

        stemmer = Stemmer.Stemmer("porter")
    gc.collect()
    t = time.perf_counter()
    cpu = time.process_time()
    tokens = bm25s.tokenize(texts, lower=True, stopwords="en", stemmer=stemmer, show_progress=False)
    tokenize_s = time.perf_counter() - t
    tokenize_cpu_s = time.process_time() - cpu
    log(f"tokenised {len(texts):,} texts in {tokenize_s:.1f} s ({len(tokens.vocab):,} terms)")
    result = {
        "tokenizeS": tokenize_s,
        "tokenizeCpuS": tokenize_cpu_s,
        "stemmer": "PyStemmer porter" if stem else None,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(os.path.join(out, "bm25s-tokenize.json"), "w", encoding="utf-8") as f:
        json.dump(result, f)


def build(out: str) -> None:
    flat = np.fromfile(os.path.join(out, "corpus_tokens.u32"), dtype=np.uint32)
    offsets = np.fromfile(os.path.join(out, "corpus_offsets.u32"), dtype=np.uint32)
    with open(os.path.join(out, "vocab.txt"), encoding="utf-8") as f:
        vocab = {t: i for i, t in enumerate(f.read().split("\n"))}
    # The shape bm25s.tokenize returns: one list of token ids per document.
    ids = [flat[offsets[i] : offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]
    del flat
    log(f"{len(ids):,} documents, {len(vocab):,} terms")

    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene", backend="numba")  # compiles numba here
    gc.collect()
    rss_before = rss_mb()
    t = time.perf_counter()
    cpu = time.process_time()
    retriever.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    build_s = time.perf_counter() - t
    build_cpu_s = time.process_time() - cpu
    rss_after = rss_mb()
    s = retriever.scores
    index_bytes = s["data"].nbytes + s["indices"].nbytes + s["indptr"].nbytes
    log(f"indexed in {build_s:.1f} s")
    t = time.perf_counter()
    retriever.save(os.path.join(out, "bm25s_index"))
    save_s = time.perf_counter() - t

    result = {
        "engine": f"bm25s {bm25s.__version__} (numpy {np.__version__}, numba {numba.__version__})",
        "buildS": build_s,
        "buildCpuS": build_cpu_s,
        "saveS": save_s,
        "indexArraysMb": index_bytes / 2**20,
        "rssAfterBuildMb": rss_after,
        "rssDeltaMb": rss_after - rss_before,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(os.path.join(out, "bm25s-build.json"), "w", encoding="utf-8") as f:
        json.dump(result, f)


def queries(out: str, round_: int, backend: str) -> None:
    with open(os.path.join(out, "query_sets.json"), encoding="utf-8") as f:
        sets = json.load(f)
    retriever = bm25s.BM25.load(os.path.join(out, "bm25s_index"), show_progress=False)
    retriever.backend = backend
    kwargs = dict(k=K, show_progress=False)
    if backend == "numba":
        kwargs["n_threads"] = 1
    else:
        kwargs.update(n_threads=0, backend_selection="numpy")
    results = []
    for s in sets:
        # bm25s needs one token per query: an empty query becomes its empty token "".
        qs = [q if q else [""] for q in s["tokens"]]
        retriever.retrieve(qs[:WARMUP], **kwargs)
        t = time.perf_counter()
        cpu = time.process_time()
        res = retriever.retrieve(qs, **kwargs)
        cpu_s = time.process_time() - cpu
        wall_s = time.perf_counter() - t
        top = res.documents.tolist()
        results.append({"name": s["name"], "wallS": wall_s, "cpuS": cpu_s, "top": top, "scores": res.scores.tolist()})
    log(f"{backend} round {round_}: " + ", ".join(f"{r['name']} {r['wallS']:.2f} s" for r in results))
    with open(os.path.join(out, f"bm25s-{backend}-queries-{round_}.json"), "w", encoding="utf-8") as f:
        json.dump({"sets": results}, f)


if __name__ == "__main__":
    if sys.argv[1] == "tokenize":
        tokenize(sys.argv[2], sys.argv[3] == "1")
    elif sys.argv[1] == "build":
        build(sys.argv[2])
    elif sys.argv[1] == "queries":
        queries(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(f"unknown step {sys.argv[1]!r}: expected tokenize, build or queries")
