#!/usr/bin/env python3
"""Builds the BM25 benchmark corpus from Debian documentation packages, deterministically.

Needs (as root): apt-get update && apt-get install python3.11-doc debian-reference-en debian-handbook \
    postgresql-doc-15 python-django-doc python-sqlalchemy-doc nodejs-doc git-doc

Writes data/passages.jsonl ({"id", "source", "heading", "text"}; 100-300 words each) and data/queries.jsonl
({"query", "answer"}): a query is a lightly paraphrased distinctive sentence of its answer passage (a window of
it with a word or two dropped, a few words swapped for their neighbours) plus key words of the passage heading.
"""

import glob
import hashlib
import html.parser
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SOURCES = [
    ("python", "/usr/share/doc/python3.11/html/_sources/**/*.rst.txt", "rst"),
    ("debian-reference", "/usr/share/debian-reference/*.en.html", "html"),
    ("debian-handbook", "/usr/share/doc/debian-handbook/html/en-US/*.html", "html"),
    ("postgresql", "/usr/share/doc/postgresql-doc-15/html/*.html", "html"),
    ("django", "/usr/share/doc/python-django-doc/html/**/*.html", "html"),
    ("sqlalchemy", "/usr/share/doc/python-sqlalchemy-doc/html/**/*.html", "html"),
    ("nodejs", "/usr/share/doc/nodejs/api/*.html", "html"),
    ("git", "/usr/share/doc/git-doc/*.txt", "txt"),
]
SKIP_PATH = re.compile(r"/(_modules|_static|_images|genindex|search|changelog|all\.html|py-modindex)")
BLOCKS = {"p", "li", "pre", "dt", "dd", "div", "tr", "td", "th", "table", "section", "br", "blockquote"}
HEADINGS = {"h1", "h2", "h3", "h4"}
SKIPPED = {"script", "style", "nav", "header", "footer", "head"}
COMMON = set(
    "this that with from have will your when which they them then there these those their what where been were"
    " does also into only some such than more most other same each both very just used uses using".split()
)
SKIPPED_CLASSES = ("sphinxsidebar", "related", "footer", "navheader", "navfooter", "toc", "headerlink", "breadcrumb")


class Extractor(html.parser.HTMLParser):
    """Collects (heading, paragraph) pairs from an HTML page, dropping navigation and chrome."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.skip_depth, self.heading, self.buf, self.in_heading = [], 0, "", [], False
        self.blocks = []

    def flush(self):
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text:
            if self.in_heading:
                self.heading = text.rstrip("¶# ")
            else:
                self.blocks.append((self.heading, text))

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            return
        cls = dict(attrs).get("class") or ""
        skipping = tag in SKIPPED or any(c in cls for c in SKIPPED_CLASSES)
        self.stack.append((tag, skipping))
        if skipping:
            self.skip_depth += 1
        if tag in BLOCKS or tag in HEADINGS:
            self.flush()
            self.in_heading = tag in HEADINGS

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, skipping = self.stack.pop()
            if skipping:
                self.skip_depth -= 1
            if open_tag == tag:
                break
        if tag in BLOCKS or tag in HEADINGS:
            self.flush()
            self.in_heading = False

    def handle_data(self, data):
        if self.skip_depth == 0:
            self.buf.append(data)


def text_blocks(path, kind):
    """Returns (heading, paragraph) pairs for one file."""
    raw = open(path, encoding="utf-8", errors="replace").read()
    if kind == "html":
        parser = Extractor()
        parser.feed(raw)
        parser.flush()
        return parser.blocks
    blocks, heading, lines = [], "", raw.splitlines()
    para = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt and len(set(nxt.strip())) == 1 and nxt.strip()[0] in "=-~^*#" and len(nxt.strip()) >= 3 and line.strip():
            heading = line.strip()
            para = []
            continue
        if line.strip() and len(set(line.strip())) == 1 and line.strip()[0] in "=-~^*#":
            continue
        if line.strip():
            para.append(line.strip())
        elif para:
            blocks.append((heading, " ".join(para)))
            para = []
    if para:
        blocks.append((heading, " ".join(para)))
    return blocks


def passages_of(blocks):
    """Groups paragraphs under one heading into passages of 100-300 words."""
    out, heading, words = [], None, []

    def emit():
        while len(words) > 300:
            out.append((heading, words[:250]))
            del words[:250]
        if len(words) >= 100:
            out.append((heading, list(words)))
        words.clear()

    for block_heading, text in blocks:
        if block_heading != heading:
            emit()
            heading = block_heading
        words.extend(text.split())
        if len(words) >= 150:
            emit()
    emit()
    return out


def build_passages():
    passages, seen = [], set()
    for source, pattern, kind in SOURCES:
        files = sorted(f for f in glob.glob(pattern, recursive=True) if not SKIP_PATH.search(f))
        for path in files:
            for heading, words in passages_of(text_blocks(path, kind)):
                body = " ".join(words)
                digest = hashlib.sha1(body.encode()).digest()
                if digest in seen:
                    continue
                seen.add(digest)
                text = (heading + "\n" + body) if heading else body
                passages.append({"id": len(passages), "source": source, "heading": heading, "text": text})
    return passages


def make_queries(passages, count, rng):
    """Picks passages at random and turns one of their sentences (unique in the corpus) into a query."""
    counts = {}
    split = [re.split(r"(?<=[.!?])\s+", p["text"].split("\n", 1)[-1]) for p in passages]
    for sentences in split:
        for s in sentences:
            counts[s] = counts.get(s, 0) + 1
    queries, order = [], list(range(len(passages)))
    rng.shuffle(order)
    for pid in order:
        if len(queries) >= count:
            break
        candidates = [s for s in split[pid] if counts[s] == 1 and 8 <= len(s.split()) <= 40]
        if not candidates:
            continue
        words = re.findall(r"[A-Za-z][A-Za-z0-9_'-]+|\d+", rng.choice(candidates))
        if len(words) < 6:
            continue
        start = rng.randrange(0, max(1, len(words) - 8))
        window = words[start:start + rng.randint(6, 10)]
        if sum(1 for w in window if len(w) > 3 and w.lower() not in COMMON) < 4:
            continue  # too little to tell passages apart: no one would search with it
        for _ in range(rng.randint(1, 2)):  # light paraphrase: drop a word or two, swap a pair
            if len(window) > 5:
                del window[rng.randrange(len(window))]
        i = rng.randrange(len(window) - 1)
        window[i], window[i + 1] = window[i + 1], window[i]
        heading = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]+", passages[pid]["heading"] or "") if len(w) > 3]
        query = " ".join(heading[:3] + window)
        queries.append({"query": query, "answer": pid})
    return queries


def main():
    os.makedirs(DATA, exist_ok=True)
    passages = build_passages()
    rng = random.Random(20261126)
    queries = make_queries(passages, int(sys.argv[1]) if len(sys.argv) > 1 else 2000, rng)
    with open(os.path.join(DATA, "passages.jsonl"), "w") as out:
        for p in passages:
            out.write(json.dumps(p, ensure_ascii=False) + "\n")
    with open(os.path.join(DATA, "queries.jsonl"), "w") as out:
        for q in queries:
            out.write(json.dumps(q, ensure_ascii=False) + "\n")
    size = os.path.getsize(os.path.join(DATA, "passages.jsonl"))
    by_source = {}
    for p in passages:
        by_source[p["source"]] = by_source.get(p["source"], 0) + 1
    print(f"{len(passages)} passages ({size / 1e6:.1f} MB), {len(queries)} queries; {by_source}")


if __name__ == "__main__":
    main()
