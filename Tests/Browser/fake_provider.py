"""An OpenAI-compatible chat server on 127.0.0.1 for the browser tests: real JSON and SSE chunks, a pause per answer
so a run can be watched live, and the answer chosen by a marker in the prompt (XSS-ANSWER gets a hostile one)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOSTILE = ('Here is the summary. <img src=x onerror="window.__crew_xss=1"> '
           '<script>window.__crew_xss=2</script> [click](javascript:window.__crew_xss=3)\n\n'
           '**bold** and `<b>code</b>`')
STORY = "## Chapter one\n\n" + " ".join(f"Sentence {i} of a story told slowly." for i in range(1, 13))
NORMAL = "## Findings\n\n- the first point, **in bold**\n- a second point with `code`\n\nA closing paragraph."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.6

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        prompt = json.dumps(body.get("messages", []))
        answer = HOSTILE if "XSS-ANSWER" in prompt else STORY if "SLOW-STREAM" in prompt else NORMAL
        pause = 0.4 if "SLOW-STREAM" in prompt else 0
        time.sleep(self.delay)
        usage = {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52}
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            pieces = [answer[i:i + 24] for i in range(0, len(answer), 24)]
            for piece in pieces:
                time.sleep(pause)
                self.chunk({"choices": [{"index": 0, "delta": {"role": "assistant", "content": piece}}]})
            self.chunk({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            self.chunk({"choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True
            return
        payload = json.dumps({
            "id": "chatcmpl-test", "object": "chat.completion", "model": body.get("model", "t"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": usage,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def chunk(self, value):
        value = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "model": "t", **value}
        self.wfile.write(b"data: " + json.dumps(value).encode() + b"\n\n")
        self.wfile.flush()


def start():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
