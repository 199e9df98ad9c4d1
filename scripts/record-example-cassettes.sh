#!/usr/bin/env bash
# Records the examples' test cassettes against scripts/scripted_provider.py, which answers from each example's
# tests/script.json: this repository's CI has no model to record against. To record against a real model instead,
# set OPENAI_BASE_URL and OPENAI_API_KEY and run `crew test EXAMPLE --record` yourself.
set -euo pipefail
cd "$(dirname "$0")/.."
crew=${CREW_BIN:-.build/debug/crew}
for script in examples/*/tests/script.json; do
    example=$(dirname "$(dirname "$script")")
    out=$(mktemp)
    python3 scripts/scripted_provider.py "$script" > "$out" &
    server=$!
    for _ in $(seq 50); do grep -q PORT "$out" && break; sleep 0.1; done
    port=$(sed -n 's/^PORT //p' "$out")
    OPENAI_BASE_URL="http://127.0.0.1:$port/v1" OPENAI_API_KEY=scripted "$crew" test "$example" --record || status=$?
    kill "$server"
    rm -f "$out"
    [ "${status:-0}" = 0 ] || exit "$status"
done
