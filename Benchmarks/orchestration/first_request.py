"""Spawn to first request: how long `crew run` takes to send the kit's chain200 its first request (stdlib only).

The kit counts this as "kickoff to first request" within whole runs, a few of them. This measures it alone, many times
and interleaved between binaries, so that two builds can be compared on a noisy host. A server of its own on 127.0.0.1
notes when each request arrives and answers 401, which a run does not retry: each `crew run` stops after one request,
and the CPU of the whole process (start, first request, failure, exit) is reported too.

    python3 Benchmarks/orchestration/first_request.py --kit ../shared/bench-orchestration --reps 40 \\
        old/crew .build-static/release/crew
"""
import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REFUSAL = b'{"error":{"message":"refused by first_request.py","type":"invalid_request_error"}}'


def serve(listener, arrivals):
    """Notes each request's arrival, answers 401 and closes."""
    while True:
        connection, _ = listener.accept()
        with connection:
            if connection.recv(1 << 16):
                arrivals.append(time.perf_counter())
            connection.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                               + str(len(REFUSAL)).encode() + b"\r\nConnection: close\r\n\r\n" + REFUSAL)


def refusing_server(arrivals):
    """Starts `serve` on a free port of 127.0.0.1, noting arrivals in `arrivals`; returns the port."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener, arrivals), daemon=True).start()
    return listener.getsockname()[1]


def one_run(binary, crew_file, folder, arrivals):
    """Milliseconds from spawn to the first request (None when none came), and the process's CPU milliseconds."""
    runs = os.path.join(folder, "runs")
    subprocess.run(["rm", "-rf", runs], check=True)
    arrivals.clear()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([binary, "run", crew_file, "--runs-dir", runs, "--quiet"], env=dict(os.environ, FAKE_KEY="x"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return ((arrivals[0] - started) * 1000 if arrivals else None), cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True, help="the bench-orchestration folder")
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("binaries", nargs="+", help="crew binaries, run in turn")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.kit))
    import crew_bench
    import workload

    arrivals = []
    port = refusing_server(arrivals)
    folder = tempfile.mkdtemp(prefix="first-request-")
    crew_file = os.path.join(folder, "chain200.yaml")
    with open(crew_file, "w") as f:
        f.write(crew_bench.crew_yaml({"name": "chain200", "tasks": workload.build("chain", 200)},
                                     port))
    figures = {binary: ([], []) for binary in args.binaries}
    try:
        for _ in range(args.reps):
            for binary in args.binaries:
                first, cpu = one_run(os.path.abspath(binary), crew_file, folder, arrivals)
                if first is not None:
                    figures[binary][0].append(first)
                figures[binary][1].append(cpu)
    finally:
        subprocess.run(["rm", "-rf", folder])
    for binary, (firsts, cpus) in figures.items():
        if not firsts:
            print(f"{binary}: no request arrived")
            continue
        firsts.sort()
        print(f"{binary}: first request {statistics.median(firsts):.1f} ms median "
              f"(quartiles {firsts[len(firsts) // 4]:.1f}-{firsts[3 * len(firsts) // 4]:.1f}, n={len(firsts)}); "
              f"whole process CPU {statistics.median(cpus):.1f} ms median")


if __name__ == "__main__":
    main()
