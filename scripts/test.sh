#!/usr/bin/env bash
# The tests: every Swift test, the examples' `crew test`s, the crewAI tool bridge, then the dashboard in a real browser (Debian's Chromium through Playwright, with
# axe-core), against the `crew` the first step built. `.ci/run` installs what the second step needs.
set -euo pipefail
cd "$(dirname "$0")/.."

swift test --no-parallel

# The examples' own tests (specs/testing.md), replayed from their cassettes: no key and no provider.
crew_bin="$(swift build --show-bin-path)/crew"
for tests in examples/*/tests; do
    env -u OPENAI_API_KEY -u OPENAI_BASE_URL "$crew_bin" test "$(dirname "$tests")"
done

# The Python bridge for crewAI's custom tools (specs/crewai.md §5), spoken to by the `mcp` package's client.
python3 Python/test_crewai_bridge.py

chromium="${CREW_CHROMIUM:-$(command -v chromium || true)}"
if [ -z "$chromium" ] || ! python3 -c 'import playwright, pytest_playwright, axe_playwright_python' 2>/dev/null; then
    echo "error: the dashboard tests need Debian's chromium and Python's playwright, pytest-playwright and" >&2
    echo "axe-playwright-python: sudo apt-get install chromium && python3 -m pip install playwright" \
        "pytest-playwright axe-playwright-python (or run bash .ci/run, which installs them)" >&2
    exit 1
fi
CREW_BIN="$crew_bin" CREW_CHROMIUM="$chromium" \
    python3 -m pytest -q -p no:cacheprovider Tests/Browser
