#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver for crew's tests: it decodes each ExportTraceServiceRequest with the
opentelemetry-proto package and appends one JSON line per request to OUT (the spans, and the raw body in base64 so a
test can look for a secret in every byte sent), and one line per accepted connection. It prints `PORT n` once
listening. A GET is answered with a short text and recorded with its headers, so the receiver can also stand for a
site crew's http tool reads. Usage: receiver.py OUT [PORT]"""
import base64
import gzip
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (ExportTraceServiceRequest,
                                                                        ExportTraceServiceResponse)

OUT = sys.argv[1]
# A parent may have ignored SIGTERM, and a child inherits that: stop when told to.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
LOCK = threading.Lock()


def write(line):
    with LOCK, open(OUT, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def value(any_value):
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [value(v) for v in any_value.array_value.values]
    return getattr(any_value, kind) if kind else None


def attributes(pairs):
    return {pair.key: value(pair.value) for pair in pairs}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        raw = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
        request = ExportTraceServiceRequest()
        request.ParseFromString(raw)
        spans = []
        for resource_spans in request.resource_spans:
            resource = attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    spans.append({
                        "name": span.name, "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(), "kind": span.kind,
                        "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                        "attributes": attributes(span.attributes), "resource": resource,
                        "status": {"code": span.status.code, "message": span.status.message},
                        "events": [{"name": e.name, "attributes": attributes(e.attributes)} for e in span.events],
                    })
        write({"path": self.path, "content_type": self.headers.get("Content-Type"),
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "raw": base64.b64encode(raw).decode(), "spans": spans})
        reply = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


    def do_GET(self):
        # Any other client (crew's http tool) is answered, and its request recorded, headers included.
        write({"get": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
        reply = b"probed"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def verify_request(self, request, client_address):
        write({"connection": client_address[0]})
        return True


server = Server(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
