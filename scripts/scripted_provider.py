#!/usr/bin/env python3
"""An OpenAI-compatible chat server on 127.0.0.1 that answers from a script, so that the examples' test cassettes can
be recorded without a model (scripts/record-example-cassettes.sh). It speaks the Chat Completions JSON and SSE,
tool calls included. Usage: scripted_provider.py SCRIPT.json; prints `PORT n` once listening.

SCRIPT is {"rules": [{"match": TEXT, "tool_calls": [{"name": ..., "arguments": {...}}], "answer": TEXT}]}: the first
rule whose `match` is in the request's last user message answers. A rule with `tool_calls` asks for them while the
conversation holds no tool result yet, then gives its `answer`. A request no rule matches gets a 400 naming it."""
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.signal(signal.SIGTERM, signal.SIG_DFL)
RULES = json.load(open(sys.argv[1], encoding="utf-8"))["rules"]


def last_user(messages):
    for message in reversed(messages):
        if message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else json.dumps(content)
    return ""


def choose(body):
    messages = body.get("messages", [])
    text = last_user(messages)
    for index, rule in enumerate(RULES):
        if rule["match"] in text:
            asked = any(m.get("role") == "tool" for m in messages)
            if rule.get("tool_calls") and not asked:
                calls = [{"id": f"call_{index}_{n}", "type": "function",
                          "function": {"name": c["name"], "arguments": json.dumps(c["arguments"], sort_keys=True)}}
                         for n, c in enumerate(rule["tool_calls"], 1)]
                return {"tool_calls": calls}
            return {"content": rule["answer"]}
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        answer = choose(body)
        if answer is None:
            text = json.dumps({"error": {"message": "no rule matches: " + last_user(body.get("messages", []))[:200]}})
            return self.send(400, "application/json", text.encode())
        words = len(answer.get("content") or "") // 4 + 1
        usage = {"prompt_tokens": len(json.dumps(body.get("messages"))) // 4, "completion_tokens": words}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        finish = "tool_calls" if "tool_calls" in answer else "stop"
        message = {"role": "assistant", **answer}
        if not body.get("stream"):
            reply = {"id": "scripted", "object": "chat.completion", "model": body.get("model"),
                     "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}
            return self.send(200, "application/json", json.dumps(reply).encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.chunk({"choices": [{"index": 0, "delta": message}]})
        self.chunk({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        self.chunk({"choices": [], "usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def chunk(self, data):
        data.setdefault("id", "scripted")
        data.setdefault("object", "chat.completion.chunk")
        self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")

    def send(self, status, kind, data):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
