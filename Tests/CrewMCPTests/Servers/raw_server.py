"""A hand-written JSON-RPC server over stdio, for what the reference SDK will not do on purpose.

Usage: python3 raw_server.py MODE, where MODE is
  silent   reads everything, never answers;
  paged    answers initialize and lists its tools over three pages;
  garbage  answers initialize and tools/list, then writes a line that is not JSON for any tools/call.
"""

import json
import sys

MODE = sys.argv[1] if len(sys.argv) > 1 else "silent"
PAGES = {None: (["one", "two"], "p2"), "p2": (["three"], "p3"), "p3": (["four.with.dots"], None)}


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def tool(name):
    return {"name": name, "description": "tool " + name, "inputSchema": {"type": "object", "properties": {}}}


def answer(request):
    method = request.get("method")
    if method == "initialize":
        return {
            "protocolVersion": request["params"]["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "raw", "version": "1"},
        }
    if method == "tools/list":
        cursor = (request.get("params") or {}).get("cursor")
        names, next_cursor = PAGES[cursor] if MODE == "paged" else (["noise"], None)
        result = {"tools": [tool(name) for name in names]}
        if next_cursor:
            result["nextCursor"] = next_cursor
        return result
    if method == "tools/call":
        return {"content": [{"type": "text", "text": "called " + request["params"]["name"]}]}
    return {}


for line in sys.stdin:
    if MODE == "silent" or not line.strip():
        continue
    request = json.loads(line)
    if "id" not in request or "method" not in request:
        continue
    if MODE == "garbage" and request["method"] == "tools/call":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        continue
    send({"jsonrpc": "2.0", "id": request["id"], "result": answer(request)})
