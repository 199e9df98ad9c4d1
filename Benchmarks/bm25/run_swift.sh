#!/bin/sh
# Builds the BM25 benchmark with `swiftc -O` straight from the sources (independent of the SwiftPM build) and runs it:
#   Benchmarks/bm25/run_swift.sh [--seconds S]      (run make_corpus.py first)
# Compiles CrewCore's FileSystem.swift as a stand-in CrewCore, CrewKnowledge's Storage/, BM25/ and Text/, and
# Sources/crew-bench/BM25Bench.swift, into Benchmarks/bm25/data/build.
set -eu
cd "$(dirname "$0")/../.."
out=Benchmarks/bm25/data/build
mkdir -p "$out"
flags="-O -wmo -parse-as-library -swift-version 6"
swiftc $flags -module-name CrewCore -emit-module -emit-module-path "$out/CrewCore.swiftmodule" \
    -emit-library -static -o "$out/libCrewCore.a" Sources/CrewCore/FileSystem.swift
swiftc $flags -module-name CrewKnowledge -I "$out" -emit-module -emit-module-path "$out/CrewKnowledge.swiftmodule" \
    -emit-library -static -o "$out/libCrewKnowledge.a" \
    Sources/CrewKnowledge/Storage/*.swift Sources/CrewKnowledge/BM25/*.swift Sources/CrewKnowledge/Text/*.swift
printf 'try BM25Bench.main(arguments: Array(CommandLine.arguments.dropFirst()))\n' > "$out/main.swift"
swiftc -O -swift-version 6 -module-name BM25BenchMain -I "$out" -L "$out" -lCrewKnowledge -lCrewCore \
    -o "$out/bm25-bench" Sources/crew-bench/BM25Bench.swift "$out/main.swift"
"$out/bm25-bench" --data Benchmarks/bm25/data "$@"
