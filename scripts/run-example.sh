#!/usr/bin/env bash
# The main job on a fresh machine: build an example crew, then run it on the model it names.
# With OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any local OpenAI-compatible server, e.g. Ollama at
# http://localhost:11434/v1) set, the crew really runs. With neither, it is built, validated and planned, and its
# exact prompts are printed (`crew run --dry-run`): nothing is sent anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-examples/research-brief}"

echo "building crew (release; the first time takes a few minutes)..."
if ! swift build -c release --product crew >/dev/null 2>&1; then
    swift build -c release --product crew   # show what failed
    exit 1
fi
crew=.build/release/crew

"$crew" build "$example"
"$crew" graph "$example"
if [ -n "${OPENAI_API_KEY:-}" ] || [ -n "${OPENAI_BASE_URL:-}" ]; then
    [ -n "${OPENAI_API_KEY:-}" ] || export OPENAI_API_KEY=none   # local servers ignore the key
    "$crew" run "$example"
else
    echo
    echo "No OPENAI_API_KEY or OPENAI_BASE_URL: showing what would be sent instead of running."
    echo "(Set OPENAI_BASE_URL=http://localhost:11434/v1 to run on a local Ollama.)"
    echo
    "$crew" run "$example" --dry-run
fi
