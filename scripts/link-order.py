#!/usr/bin/env python3
"""Writes Linker/crew.order: the functions `crew` executes on its common paths, for the linker to place together.

A statically linked crew has 39 MB of code, of which a `crew run` executes under 2 MB. The kernel maps a file's pages
in large blocks around each one touched (fault-around, and whole large folios on ext4 and tmpfs), so code that runs
scattered across the binary costs memory far beyond its size: 16 MB of the 32 MB a 200-task run peaked at. Release
builds of crew link with lld's --symbol-ordering-file (Package.swift), which puts these functions first.

The list comes from running crew under valgrind's callgrind, which records every function executed. It is a layout
hint only: a function missing from the list still links and runs, it just lands elsewhere. Rerun this after large
changes to the run path, and commit the result:

    apt-get install -y valgrind
    swift build -c release --static-swift-stdlib --product crew
    swift build -c release --static-swift-stdlib --product crew-bench
    python3 scripts/link-order.py .build/release/crew .build/release/crew-bench
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Linker", "crew.order")


def chain_crew(port, tasks, fanout):
    lines = ["version: 1", "name: order", "models:", "  fake:", "    provider: openai", "    model: fake",
             f"    base_url: http://127.0.0.1:{port}/v1", "    api_key: ${env:ORDER_KEY}", "agents:",
             "  writer:", "    role: Writer", "    goal: Write", "    backstory: Writes.", "    model: fake",
             "tasks:"]
    for i in range(tasks):
        lines += [f"  t{i}:", "    agent: writer", f"    description: Step {i} of the work.",
                  "    expected_output: A line."]
        if i > 0:
            lines.append("    context: [t0]" if fanout else f"    context: [t{i - 1}]")
    return "\n".join(lines) + "\n"


def workloads(crew, port, work):
    """The commands whose code goes first, most important first: `crew run` and what it needs."""
    chain = os.path.join(work, "chain.yaml")
    fan = os.path.join(work, "fanout.yaml")
    with open(chain, "w") as f:
        f.write(chain_crew(port, 50, fanout=False))
    with open(fan, "w") as f:
        f.write(chain_crew(port, 9, fanout=True))
    example = os.path.join(work, "research-brief")
    shutil.copytree(os.path.join(ROOT, "examples", "research-brief"), example,
                    ignore=shutil.ignore_patterns(".crew"))
    runs = os.path.join(work, "runs")
    return [
        [crew, "--version"],
        [crew, "run", chain, "--runs-dir", runs, "--quiet"],
        [crew, "run", fan, "--runs-dir", runs, "--max-parallel", "4"],
        [crew, "validate", chain],
        [crew, "plan", chain],
        [crew, "runs", "--runs-dir", runs],
        [crew, "build", example],
        [crew, "query", example, "notes", "how does revalidation work"],
        [crew, "--help"],
    ]


def executed(binary, argv, cwd, env):
    """Function names callgrind saw run, in the order of its output."""
    out = os.path.join(cwd, "callgrind.out")
    done = subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", binary]
                          + argv[1:], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[1:])} exited {done.returncode}:\n{done.stderr[-2000:]}")
    names = []
    with open(out, errors="replace") as f:
        for line in f:
            m = re.match(r"c?fn=\(\d+\) (.+)$", line)
            if m:
                names.append(re.sub(r"'\d+$", "", m.group(1).strip()))
    os.remove(out)
    return names


def text_symbols(binary):
    """The names of the binary's own functions that name one function only.

    callgrind also names libc's functions and bare addresses. A local name that many objects define (a value witness
    such as `$sSnwxx`) would bring every one of their sections forward, most of them never run."""
    nm = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    counts = collections.Counter(parts[2] for parts in (line.split() for line in nm.splitlines())
                                 if len(parts) == 3 and parts[1] in "tTwW")
    return {name for name, count in counts.items() if count == 1}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    crew, bench = (os.path.abspath(p) for p in sys.argv[1:])
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed: apt-get install -y valgrind")
    known = text_symbols(crew)
    with tempfile.TemporaryDirectory(prefix="crew-order-") as work:
        # valgrind cannot read the DWARF 5 debug information Swift writes; the symbol table is enough.
        stripped = os.path.join(work, "crew")
        subprocess.run(["strip", "--strip-debug", "-o", stripped, crew], check=True)
        provider = subprocess.Popen([bench, "provider", "--latency", "0"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        port = int(provider.stdout.readline())
        env = dict(os.environ, ORDER_KEY="order-key", NO_COLOR="1")
        order, seen = [], set()
        try:
            for argv in workloads(stripped, port, work):
                # Sorted within a command: callgrind numbers functions as threads meet them, so its order varies
                # from run to run, and a list that only reorders would make a noisy diff.
                new = sorted({name for name in executed(stripped, argv, work, env) if name in known} - seen)
                seen.update(new)
                order += new
        finally:
            provider.stdin.close()
            provider.wait()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(order) + "\n")
    print(f"{OUT}: {len(order)} functions")


if __name__ == "__main__":
    main()
