#!/usr/bin/env python3
"""The plain Python floor with streamed answers beside the kit's, and crew both ways (stdlib only).

The kit's floor (raw_bench.py) asks for whole answers, while crew streams by default. With the kit's fake server a
streamed answer is about eleven SSE events, which cost the server and any client more than one JSON body. This
script measures the difference on the kit's own DAGs, prompts and server, interleaved in one session:

  raw          the kit's loop: http.client, keep-alive, whole answers (kickoff wall, as the kit counts it)
  raw-stream   the same loop asking `stream: true` and reading the SSE events (kickoff wall)
  crew         `crew run` as the kit runs it, streamed (whole process, start-up included)
  crew-whole   the same with --no-stream (whole process)
  crew-start   the same crew file against a server of this script's that answers 401, which a run does not retry:
               the process's start, one refused request and its exit

Then crew's two runs again with crew-start's wall and CPU taken out, pass by pass: the Python loops are measured
from kickoff in an interpreter that has already started, so these are crew's figures on the same footing.

  python3 Benchmarks/orchestration/stream_floor.py --kit ../shared/bench-orchestration \\
      --crew .build-static/release/crew --cases chain200@0,fanout16@200 --reps 5

Prints, per case and runner, the median [min-max] of wall per task and of CPU per task, in milliseconds.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kit_server  # noqa: E402
from first_request import refusing_server  # noqa: E402


def stream_call(conn, port, task, ctx, kit):
    body = json.dumps({"model": "fake", "temperature": 0, "stream": True, "messages": [
        {"role": "system", "content": kit.system_prompt(task)},
        {"role": "user", "content": kit.user_prompt(task, ctx)}]})
    conn.request("POST", "/v1/chat/completions", body=body,
                 headers={"Content-Type": "application/json", "Authorization": "Bearer x"})
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(response.read())
    pieces = []
    for line in response:  # one SSE line at a time, as a streaming client reads them
        if line.startswith(b"data: {"):
            delta = json.loads(line[6:])["choices"][0]["delta"]
            pieces.append(delta.get("content") or "")
    return "".join(pieces)


def raw_stream(port, shape, n, kit_dir):
    """The kit's raw loop, streamed: returns (wall seconds, CPU seconds) of the kickoff."""
    sys.path.insert(0, kit_dir)
    import http.client
    import workload as kit
    from concurrent.futures import ThreadPoolExecutor
    local = threading.local()

    def call(task, ctx):
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        return stream_call(local.conn, port, task, ctx, kit)

    tasks = kit.build(shape, n)
    t0, c0 = time.time(), time.process_time()
    out = {}
    if shape == "chain":
        for t in tasks:
            out[t["id"]] = call(t, [out[d] for d in t["depends_on"]])
    else:
        root, branches, join = tasks[0], tasks[1:-1], tasks[-1]
        out[root["id"]] = call(root, [])
        with ThreadPoolExecutor(max_workers=len(branches)) as pool:
            futures = {b["id"]: pool.submit(call, b, [out[root["id"]]]) for b in branches}
            for key, future in futures.items():
                out[key] = future.result()
        out[join["id"]] = call(join, [out[d] for d in join["depends_on"]])
    return time.time() - t0, time.process_time() - c0


def child_raw(args):
    wall, cpu = raw_stream(args.port, args.shape, args.n, args.kit)
    print(json.dumps({"wall": wall, "cpu": cpu}))


def run_python(script_args):
    p = subprocess.run([sys.executable] + script_args, capture_output=True, text=True, check=True)
    line = [x for x in p.stdout.splitlines() if x.startswith("BENCH_RESULT ") or x.startswith("{")][-1]
    if line.startswith("BENCH_RESULT "):
        r = json.loads(line.split(" ", 1)[1])
        return r["t_run_end"] - r["t_run_start"], r["run_cpu_s"]
    r = json.loads(line)
    return r["wall"], r["cpu"]


def run_crew(crew, yaml_path, extra, folder, refused=False):
    """Wall and CPU of one `crew run`, the whole process, as the kit counts them (rusage of the child). `refused`:
    the run is expected to fail (its server refuses it)."""
    runs = os.path.join(folder, "runs")
    subprocess.run(["rm", "-rf", runs], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    done = subprocess.run([crew, "run", yaml_path, "--max-parallel", "16", "--runs-dir", runs, "--quiet"] + extra,
                          env=dict(os.environ, FAKE_KEY="bench-key", NO_COLOR="1"), cwd=folder,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.time() - t0
    if (done.returncode != 0) != refused:
        sys.exit(f"crew run {yaml_path} exited {done.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def shown(values):
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def set_latency(port, latency):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/stats/reset", method="POST",
                                     data=json.dumps({"latency_ms": latency}).encode(),
                                     headers={"X-Fake-Admin": "1", "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit", required=True, help="the bench-orchestration folder")
    ap.add_argument("--crew", required=True, help="the crew binary")
    ap.add_argument("--cases", default="chain200@0,fanout16@200")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--shape", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.kit = os.path.abspath(args.kit)
    if args.child:
        return child_raw(args)
    crew = os.path.abspath(args.crew)
    sys.path.insert(0, args.kit)
    import crew_bench
    import workload
    folder = tempfile.mkdtemp(prefix="stream-floor-")
    server, port = kit_server.start(args.kit, folder)
    refusing_port = refusing_server([])
    try:
        for case in args.cases.split(","):
            shape_n, latency = case.split("@")
            shape = shape_n.rstrip("0123456789")
            n = int(shape_n[len(shape):])
            tasks = workload.build(shape, n)
            critical = workload.critical_path(tasks) * float(latency) / 1000
            yaml_path = os.path.join(folder, f"{shape_n}.yaml")
            refused_path = os.path.join(folder, f"{shape_n}-refused.yaml")
            for path, target in ((yaml_path, port), (refused_path, refusing_port)):
                with open(path, "w") as f:
                    f.write(crew_bench.crew_yaml({"name": shape_n, "tasks": tasks}, target))
            set_latency(port, float(latency))
            runners = {
                "raw": lambda: run_python([os.path.join(args.kit, "raw_bench.py"), "--port", str(port),
                                           "--shape", shape, "--n", str(n)]),
                "raw-stream": lambda: run_python([os.path.abspath(__file__), "--child", "--kit", args.kit,
                                                  "--crew", crew, "--port", str(port), "--shape", shape,
                                                  "--n", str(n)]),
                "crew": lambda: run_crew(crew, yaml_path, [], folder),
                "crew-whole": lambda: run_crew(crew, yaml_path, ["--no-stream"], folder),
                "crew-start": lambda: run_crew(crew, refused_path, [], folder, refused=True),
            }
            figures = {name: [] for name in runners}
            for _ in range(args.reps):
                for name, run in runners.items():
                    figures[name].append(run())
            print(f"{case} (critical path {critical:.3f} s), {args.reps} passes, median [min-max] per task:")
            for name, rows in figures.items():
                if name == "crew-start":
                    walls = [1000 * wall for wall, _ in rows]
                    cpus = [1000 * cpu for _, cpu in rows]
                    print(f"  {name:11s} wall {shown(walls)} ms   CPU {shown(cpus)} ms (the whole process)")
                    continue
                walls = [1000 * (wall - critical) / len(tasks) for wall, _ in rows]
                cpus = [1000 * cpu / len(tasks) for _, cpu in rows]
                print(f"  {name:11s} overhead {shown(walls)} ms   CPU {shown(cpus)} ms")
            for name in ("crew", "crew-whole"):
                pairs = list(zip(figures[name], figures["crew-start"]))
                walls = [1000 * (wall - start - critical) / len(tasks) for (wall, _), (start, _) in pairs]
                cpus = [1000 * (cpu - start) / len(tasks) for (_, cpu), (_, start) in pairs]
                print(f"  {name + ' - start':18s} overhead {shown(walls)} ms   CPU {shown(cpus)} ms")
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", folder])


if __name__ == "__main__":
    main()
