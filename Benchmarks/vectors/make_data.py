#!/usr/bin/env python3
"""Deterministic benchmark data for crew's vector index and the baselines.

Writes, under Benchmarks/vectors/data/ (or --out):
  base.f32     N x D float32, row-major, little-endian (not normalized)
  queries.f32  Q x D float32
  truth.i32    Q x 10 int32: exact top-10 ids by cosine similarity, best first

The data is a Gaussian mixture shaped like text embeddings: 100 topics, each with
20 sub-topics (components) near the topic's center; a point is its component's
center plus a 24-dimensional low-rank spread (so neighbours are meaningful, not
equidistant) plus small isotropic noise. Queries come from the same mixture.
Same seed, same bytes. --offset/--spread/--noise change how separated the clusters are (the defaults overlap;
`--offset 1.5 --spread 0.2 --noise 0.1 --out data/separated` gives a well-separated set).
"""

import argparse
import os

import numpy as np


def mixture(rng, dims, topics, components, rank, offset, spread):
    """Component centers (topic center + offset noise) and each component's low-rank spread directions."""
    topic_centers = rng.standard_normal((topics, dims)).astype(np.float32)
    comp_topic = np.arange(topics * components) // components
    comp_centers = topic_centers[comp_topic] + offset * rng.standard_normal((topics * components, dims)).astype(
        np.float32
    )
    bases = (spread * rng.standard_normal((topics * components, rank, dims))).astype(np.float32)
    return comp_centers, bases


def draw(rng, count, centers, bases, noise):
    comps = rng.integers(0, centers.shape[0], size=count)
    rank = bases.shape[1]
    out = np.empty((count, centers.shape[1]), dtype=np.float32)
    step = 10_000
    for start in range(0, count, step):
        c = comps[start : start + step]
        z = rng.standard_normal((len(c), rank)).astype(np.float32)
        spread = np.einsum("nr,nrd->nd", z, bases[c])
        iso = noise * rng.standard_normal((len(c), centers.shape[1])).astype(np.float32)
        out[start : start + step] = centers[c] + spread + iso
    return out


def truth(base, queries, k):
    b = base / np.linalg.norm(base, axis=1, keepdims=True)
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    scores = q @ b.T
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    rows = np.arange(len(q))[:, None]
    order = np.lexsort((top, -scores[rows, top]), axis=1)
    return top[rows, order].astype(np.int32)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--d", type=int, default=384)
    parser.add_argument("--q", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default=os.path.join(here, "data"))
    parser.add_argument("--offset", type=float, default=0.6, help="sub-topic distance from its topic")
    parser.add_argument("--spread", type=float, default=0.35, help="scale of the low-rank spread")
    parser.add_argument("--noise", type=float, default=0.25, help="isotropic noise")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    centers, bases = mixture(rng, args.d, 100, 20, 24, args.offset, args.spread)
    base = draw(rng, args.n, centers, bases, noise=args.noise)
    queries = draw(rng, args.q, centers, bases, noise=args.noise)
    os.makedirs(args.out, exist_ok=True)
    base.astype("<f4").tofile(os.path.join(args.out, "base.f32"))
    queries.astype("<f4").tofile(os.path.join(args.out, "queries.f32"))
    truth(base, queries, 10).astype("<i4").tofile(os.path.join(args.out, "truth.i32"))
    print(f"wrote {args.n} x {args.d} base, {args.q} queries, top-10 truth to {args.out}")


if __name__ == "__main__":
    main()
