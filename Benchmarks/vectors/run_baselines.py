#!/usr/bin/env python3
"""faiss IVF-Flat, hnswlib and usearch on the data make_data.py writes: build time, load time, and queries/s
(one query thread, the whole query set as one batch call as these libraries are normally used) with recall@10
against data/truth.i32. Cosine similarity throughout (vectors normalized, inner product).

  python3 -m venv data/venv && data/venv/bin/pip install faiss-cpu hnswlib usearch numpy
  data/venv/bin/python make_data.py && data/venv/bin/python run_baselines.py [--only faiss,hnswlib,usearch]
"""

import argparse
import os
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")  # --data overrides


def load(dims):
    base = np.fromfile(os.path.join(DATA, "base.f32"), dtype="<f4").reshape(-1, dims)
    queries = np.fromfile(os.path.join(DATA, "queries.f32"), dtype="<f4").reshape(-1, dims)
    truth = np.fromfile(os.path.join(DATA, "truth.i32"), dtype="<i4").reshape(len(queries), -1)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return base, queries, truth


def recall(found, truth):
    hits = sum(len(set(f[:10]) & set(t[:10])) for f, t in zip(found.tolist(), truth.tolist()))
    return hits / (len(truth) * 10)


def report(name, setting, queries, search, truth):
    start = time.perf_counter()
    found = search(queries)
    elapsed = time.perf_counter() - start
    print(f"  {name} {setting:>14}: {len(queries) / elapsed:9.0f} queries/s, recall@10 {recall(found, truth):.4f}")


def timed(label, body):
    start = time.perf_counter()
    value = body()
    print(f"  {label}: {time.perf_counter() - start:.3f} s")
    return value


def run_faiss(base, queries, truth):
    import faiss

    print(f"faiss {faiss.__version__} IVF-Flat, inner product")
    lists = int(round(len(base) ** 0.5))

    def build():
        quantizer = faiss.IndexFlatIP(base.shape[1])
        index = faiss.IndexIVFFlat(quantizer, base.shape[1], lists, faiss.METRIC_INNER_PRODUCT)
        index.train(base)
        index.add(base)
        return index

    exact_scan(faiss, base, queries)
    index = timed(f"build ({lists} lists, {faiss.omp_get_max_threads()} threads)", build)
    path = os.path.join(DATA, "faiss.index")
    faiss.write_index(index, path)
    faiss.omp_set_num_threads(1)
    index = timed("load (read_index)", lambda: faiss.read_index(path))
    timed("load (mmap)", lambda: faiss.read_index(path, faiss.IO_FLAG_MMAP))
    for probes in (1, 2, 3, 4, 6, 8, 12, 16):
        index.nprobe = probes
        report("faiss", f"nprobe {probes}", queries, lambda q: index.search(q, 10)[1], truth)


def exact_scan(faiss, base, queries):
    """IndexFlatIP on one thread over crew-bench's sample (the first 50 queries): one call per query, and the 50 as
    one batch (faiss then multiplies matrices with BLAS). GB/s = bytes of vectors scanned per query x queries / time."""
    flat = faiss.IndexFlatIP(base.shape[1])
    flat.add(base)
    faiss.omp_set_num_threads(1)
    sample = queries[:50]
    for label, search in (("one query a call", lambda: [flat.search(sample[i:i + 1], 10) for i in range(50)]),
                          ("batch of 50", lambda: flat.search(sample, 10))):
        start = time.perf_counter()
        search()
        elapsed = time.perf_counter() - start
        print(f"  faiss FlatIP, {label} (one thread): {elapsed / 50 * 1000:.2f} ms/query, "
              f"{base.nbytes * 50 / elapsed / 1e9:.1f} GB/s of vectors")
    faiss.omp_set_num_threads(os.cpu_count())


def run_hnswlib(base, queries, truth):
    import hnswlib

    print("hnswlib 0.8.0 HNSW, M=16, ef_construction=200, inner product")

    def build():
        index = hnswlib.Index(space="ip", dim=base.shape[1])
        index.init_index(max_elements=len(base), M=16, ef_construction=200, random_seed=1)
        index.add_items(base, np.arange(len(base)))
        return index

    index = timed(f"build ({os.cpu_count()} threads)", build)
    path = os.path.join(DATA, "hnswlib.index")
    index.save_index(path)

    def reload():
        loaded = hnswlib.Index(space="ip", dim=base.shape[1])
        loaded.load_index(path, max_elements=len(base))
        return loaded

    index = timed("load", reload)
    index.set_num_threads(1)
    for ef in (10, 16, 24, 32, 48, 64, 128):
        index.set_ef(ef)
        report("hnswlib", f"ef {ef}", queries, lambda q: index.knn_query(q, k=10)[0], truth)


def run_usearch(base, queries, truth):
    import usearch
    from usearch.index import Index

    print(f"usearch {usearch.__version__} HNSW, connectivity 16, expansion_add 128, cosine, f32")
    index = Index(ndim=base.shape[1], metric="cos", dtype="f32", connectivity=16, expansion_add=128)
    timed(f"build ({os.cpu_count()} threads)", lambda: index.add(np.arange(len(base)), base))
    path = os.path.join(DATA, "usearch.index")
    index.save(path)
    timed("load (view, mmap)", lambda: Index.restore(path, view=True))
    index = timed("load (restore)", lambda: Index.restore(path))
    for ef in (16, 32, 64, 128):
        index.expansion_search = ef
        report("usearch", f"ef {ef}", queries, lambda q: index.search(q, 10, threads=1).keys, truth)


def main():
    global DATA
    parser = argparse.ArgumentParser()
    parser.add_argument("--dims", type=int, default=384)
    parser.add_argument("--only", default="faiss,hnswlib,usearch")
    parser.add_argument("--data", default=DATA)
    args = parser.parse_args()
    DATA = args.data
    base, queries, truth = load(args.dims)
    print(f"data: {base.shape[0]} x {base.shape[1]}, {len(queries)} queries")
    runners = {"faiss": run_faiss, "hnswlib": run_hnswlib, "usearch": run_usearch}
    for name in args.only.split(","):
        runners[name](base, queries, truth)


if __name__ == "__main__":
    main()
