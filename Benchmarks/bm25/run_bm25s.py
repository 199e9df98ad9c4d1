#!/usr/bin/env python3
"""bm25s on the same corpus and queries as the Swift benchmark, for comparison in one run.

Setup (once): python3 -m venv data/venv && data/venv/bin/pip install bm25s==0.3.16 numba PyStemmer
Run: data/venv/bin/python run_bm25s.py    (after make_corpus.py)
Prints build time (tokenization + indexing), queries/s (one thread, one query at a time, tokenization included),
recall@10 and MRR@10.
"""

import json
import os
import time

import bm25s
import Stemmer

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return [json.loads(line) for line in f]


def main():
    passages = [p["text"] for p in load("passages.jsonl")]
    queries = load("queries.jsonl")
    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    tokens = bm25s.tokenize(passages, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(backend="numba")
    retriever.index(tokens, show_progress=False)
    build = time.perf_counter() - start
    retriever.retrieve(bm25s.tokenize(["warm up"], stemmer=stemmer, show_progress=False), k=10, show_progress=False)
    found, reciprocal = 0, 0.0
    start = time.perf_counter()
    for q in queries:
        qt = bm25s.tokenize([q["query"]], stopwords="en", stemmer=stemmer, show_progress=False)
        docs, _ = retriever.retrieve(qt, k=10, show_progress=False, n_threads=1)
        ranked = list(docs[0])
        if q["answer"] in ranked:
            found += 1
            reciprocal += 1 / (ranked.index(q["answer"]) + 1)
    elapsed = time.perf_counter() - start
    n = len(queries)
    print(f"bm25s {bm25s.__version__}: passages {len(passages)}, queries {n}")
    print(f"build {build:.3f} s")
    print(f"query {n / elapsed:.0f} q/s")
    print(f"recall@10 {found / n:.4f}  MRR@10 {reciprocal / n:.4f}")


if __name__ == "__main__":
    main()
