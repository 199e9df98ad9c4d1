"""Starts what the dashboard tests need, for real: the fake provider, `crew serve` on a folder of crews (one on the
provider, one with a hostile answer, one of 2,000 tasks, one that does not validate), and tokens for an admin, a
runner and a viewer. The browser is Debian's Chromium, driven by Playwright."""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

import fake_provider

ROOT = pathlib.Path(__file__).resolve().parents[2]
CREW = os.environ.get("CREW_BIN", str(ROOT / ".build/debug/crew"))
SHOTS = pathlib.Path(os.environ.get("CREW_SCREENSHOTS", ROOT / ".build/browser-screenshots"))
CHROMIUM = os.environ.get("CREW_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def demo_crew(base_url):
    return f"""version: 1
name: demo
description: Two researchers in parallel, then a writer, on the test provider.
inputs:
  topic: {{ type: string, default: tides, description: What the crew writes about. }}
  depth: {{ type: integer, default: 2 }}
models:
  main: {{ provider: openai, model: t, base_url: "{base_url}/v1", api_key: "${{env:CREW_TEST_KEY}}", max_retries: 0 }}
agents:
  researcher: {{ role: Researcher, goal: Find facts, backstory: Careful., model: main }}
  writer: {{ role: Writer, goal: Write, backstory: Clear., model: main }}
tasks:
  facts: {{ description: "Facts about {{topic}}", expected_output: A list, agent: researcher }}
  risks: {{ description: "Risks of {{topic}}", expected_output: A list, agent: researcher }}
  brief: {{ description: Write the brief, expected_output: A brief, agent: writer, context: [facts, risks] }}
"""


def xss_crew(base_url):
    return f"""version: 1
name: hostile
description: Its model answers with markup that must stay text.
models:
  main: {{ provider: openai, model: t, base_url: "{base_url}/v1", api_key: "${{env:CREW_TEST_KEY}}", max_retries: 0 }}
agents:
  a: {{ role: Writer, goal: Write, backstory: b, model: main }}
tasks:
  answer: {{ description: "XSS-ANSWER please", expected_output: text, agent: a }}
"""


def story_crew(base_url):
    return f"""version: 1
name: story
description: One task whose model writes slowly, to watch its answer stream, cancel and resume.
models:
  main: {{ provider: openai, model: t, base_url: "{base_url}/v1", api_key: "${{env:CREW_TEST_KEY}}", max_retries: 0 }}
agents:
  a: {{ role: Writer, goal: Write, backstory: b, model: main }}
tasks:
  tell: {{ description: "SLOW-STREAM a story", expected_output: text, agent: a }}
"""


def wide_crew(count=2000):
    lines = ["version: 1", "name: wide", "description: One task fans out to 1,998 and they fan in to one.",
             "models:", "  m: { provider: mock }", "agents:", "  a: { role: r, goal: g, backstory: b, model: m }",
             "tasks:", "  start: { description: d, expected_output: o, agent: a }"]
    middle = [f"part{i:04d}" for i in range(count - 2)]
    lines += [f"  {name}: {{ description: d, expected_output: o, agent: a, context: [start] }}" for name in middle]
    lines.append(f"  finish: {{ description: d, expected_output: o, agent: a, context: [{', '.join(middle)}] }}")
    return "\n".join(lines) + "\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, folder, extra_args=()):
        self.folder = folder
        self.provider = fake_provider.start()
        base_url = f"http://127.0.0.1:{self.provider.server_address[1]}"
        crews = folder / "crews"
        for name, text in [("demo", demo_crew(base_url)), ("hostile", xss_crew(base_url)), ("story", story_crew(base_url)), ("wide", wide_crew()),
                           ("broken", "version: 1\nname: broken\nagents: 3\n")]:
            (crews / name).mkdir(parents=True)
            (crews / name / "crew.yaml").write_text(text)
        self.data = folder / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CREW_")}
        self.env["CREW_TEST_KEY"] = "sk-browser-test-secret"
        self.tokens = {role: self.token(role) for role in ("admin", "runner", "viewer")}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / "serve.log", "w")
        self.process = subprocess.Popen(
            [CREW, "serve", str(crews), "--data", str(self.data), "--listen", f"127.0.0.1:{self.port}", *extra_args],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((folder / "serve.log").read_text())
                time.sleep(0.2)
        raise RuntimeError("crew serve did not become ready")

    def token(self, role):
        out = subprocess.run([CREW, "token", "create", "--name", role, "--role", role, "--data", str(self.data)],
                             env=self.env, check=True, capture_output=True, text=True)
        return out.stdout.strip().split()[-1]

    def api(self, path, role="admin"):
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {self.tokens[role]}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.provider.shutdown()
        self.log.close()


@pytest.fixture(scope="session")
def server():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="crew-browser-"))
    server = Server(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
