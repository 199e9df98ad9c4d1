#!/usr/bin/env python3
"""The least any client can pay against the kit's server: chain200's requests over one raw socket (stdlib only).

Every request's bytes are made before the clock starts, and an answer is read only as far as its end (a whole body's
Content-Length, a stream's last chunk), never parsed. What is left per task is the kit's server, loopback TCP and
one `recv` per segment the server writes. Whole answers and streamed ones alternate in one session, and the server's
own CPU per answer is read from /proc, so a runner's streamed figure can be set against what streaming costs by
itself.

  python3 Benchmarks/orchestration/ideal_client.py --kit ../shared/bench-orchestration --passes 7

Prints, for whole and streamed answers, the median [min-max] wall per task, the server's CPU per answer, the
number of `recv` calls per answer, and the client's own CPU (user and system) per task.
"""
import argparse
import json
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kit_server  # noqa: E402


def server_cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests(kit, tasks, stream):
    """The chain's requests as bytes: the kit's prompts, each task's context a 200-byte stand-in."""
    out = []
    for task in tasks:
        body = {"model": "fake", "temperature": 0, "messages": [
            {"role": "system", "content": kit.system_prompt(task)},
            {"role": "user", "content": kit.user_prompt(task, ["x" * 200])}]}
        if stream:
            body.update(stream=True, stream_options={"include_usage": True})
        data = json.dumps(body).encode()
        out.append(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Authorization: Bearer x\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
    return out


def answered(buffer, stream):
    if stream:
        return buffer.endswith(b"0\r\n\r\n")
    head = buffer.find(b"\r\n\r\n")
    if head < 0:
        return False
    length = int(buffer[:head].lower().split(b"content-length:")[1].split(b"\r\n")[0])
    return len(buffer) - head - 4 >= length


def chain(port, pid, wire):
    """(wall per task ms, server CPU per answer ms, recv calls per answer, client CPU per task ms) for one pass."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    stream = wire["stream"]
    cpu0, t0, recvs, own0 = server_cpu(pid), time.perf_counter(), 0, time.process_time()
    for request in wire["requests"]:
        sock.sendall(request)
        buffer = b""
        while not answered(buffer, stream):
            piece = sock.recv(65536)
            if not piece:
                sys.exit("the server closed the connection")
            buffer += piece
            recvs += 1
    t1, cpu1, own1 = time.perf_counter(), server_cpu(pid), time.process_time()
    sock.close()
    n = len(wire["requests"])
    return (t1 - t0) / n * 1000, (cpu1 - cpu0) / n * 1000, recvs / n, (own1 - own0) / n * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit", required=True, help="the bench-orchestration folder")
    ap.add_argument("--passes", type=int, default=7)
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.kit))
    import workload as kit
    tasks = kit.build("chain", 200)
    with tempfile.TemporaryDirectory(prefix="ideal-client-") as folder:
        server, port = kit_server.start(args.kit, folder)
        try:
            wires = {name: {"stream": stream, "requests": requests(kit, tasks, stream)}
                     for name, stream in (("whole", False), ("streamed", True))}
            results = {name: [] for name in wires}
            for _ in range(args.passes):
                for name, wire in wires.items():
                    results[name].append(chain(port, server.pid, wire))
        finally:
            server.terminate()
            server.wait()
    for name, rows in results.items():
        walls, cpus, recvs, own = (sorted(column) for column in zip(*rows))
        middle = len(rows) // 2
        print(f"{name:>8}: {walls[middle]:.3f} ms a task [{walls[0]:.3f}-{walls[-1]:.3f}], "
              f"server CPU {cpus[middle]:.3f} ms an answer, {recvs[middle]:.1f} recv calls an answer, "
              f"client CPU {own[middle]:.3f} ms a task [{own[0]:.3f}-{own[-1]:.3f}]")


if __name__ == "__main__":
    main()
