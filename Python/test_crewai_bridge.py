"""Tests of crewai_bridge.py against the fixture project Tests/Fixtures/crewai-bridge.

Run: python3 Python/test_crewai_bridge.py   (plain unittest; no crewAI needed, the mcp package is the
client). Protocol-level cases drive the bridge over raw pipes, since an MCP client would hide or
refuse exactly what they check: malformed lines, stray stdout, exit statuses.

CREWAI_BRIDGE_PYTHON=/path/to/python runs the bridge under another interpreter (a project's venv,
an older Python) while the tests and the mcp client stay on this one.
"""

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from typing import Dict, List, Literal, Optional

# No __pycache__ in the fixture or beside the bridge: every bridge started below inherits this.
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
BRIDGE = os.path.join(HERE, "crewai_bridge.py")
FIXTURE = os.path.normpath(os.path.join(HERE, "..", "Tests", "Fixtures", "crewai-bridge"))
MODULE = "demo_bridge.tools.custom_tool"
TOOL_SPECS = [
    MODULE + ":MyCustomTool",
    MODULE + ":word_counter",
    MODULE + ":letter_histogram",
    MODULE + ":flaky_lookup",
    MODULE + ":chatty_tool",
    MODULE + ':GreetingTool:{"greeting": "Ahoy"}',
]
TIMEOUT = 20
BRIDGE_PYTHON = os.environ.get("CREWAI_BRIDGE_PYTHON") or sys.executable
# The fixture's tools import pydantic, as crewAI projects do; an interpreter without it can still
# run the tests that bring their own project.
FIXTURE_RUNS = subprocess.run([BRIDGE_PYTHON, "-c", "import pydantic"], capture_output=True).returncode == 0
needs_fixture = unittest.skipUnless(FIXTURE_RUNS, "pydantic is missing where the bridge runs")

try:
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client
except ImportError:  # the raw-pipe tests still run
    ClientSession = None


def tool_arguments(specs=TOOL_SPECS, root=FIXTURE):
    arguments = ["--root", root]
    for spec in specs:
        arguments += ["--tool", spec]
    return arguments


def request(request_id, method, params=None):
    message = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message)


def call(request_id, name, arguments):
    return request(request_id, "tools/call", {"name": name, "arguments": arguments})


def run_raw(lines, arguments=None, env=None):
    """Feeds lines to the bridge, closes stdin, and returns (exit status, parsed stdout lines, stderr).
    Every stdout line must be JSON: anything else is the corruption the bridge must prevent."""
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    done = subprocess.run([BRIDGE_PYTHON, BRIDGE] + (arguments or tool_arguments()), input=data,
                          capture_output=True, timeout=TIMEOUT, env=env)
    messages = [json.loads(line) for line in done.stdout.decode().splitlines()]
    return done.returncode, messages, done.stderr.decode()


def start_refused(arguments, env=None):
    """Starts the bridge with stdin left open: a refusal must come without reading it."""
    process = subprocess.Popen([BRIDGE_PYTHON, BRIDGE] + arguments, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        process.wait(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdin.close()
    stdout, stderr = process.stdout.read().decode(), process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    return process.returncode, stdout, stderr


def by_id(messages):
    return {message.get("id"): message for message in messages}


def text_of(result):
    return result["content"][0]["text"]


async def mcp_session(arguments, work):
    """Runs `work(session)` against the bridge through the mcp client; returns (its value, stderr)."""
    with tempfile.TemporaryFile("w+") as errlog:
        # The mcp client passes on only a few variables of its own environment.
        parameters = StdioServerParameters(command=BRIDGE_PYTHON, args=arguments,
                                           env={"PYTHONDONTWRITEBYTECODE": "1"})
        async with stdio_client(parameters, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                value = await work(session)
        errlog.seek(0)
        return value, errlog.read()


def with_mcp(arguments, work):
    return asyncio.run(asyncio.wait_for(mcp_session(arguments, work), TIMEOUT))


@needs_fixture
@unittest.skipIf(ClientSession is None, "the mcp package is not installed")
class ThroughMCPClientTests(unittest.TestCase):
    def test_lists_every_tool_with_description_and_schema(self):
        async def work(session):
            return (await session.list_tools()).tools

        tools, _ = with_mcp([BRIDGE] + tool_arguments(), work)
        listed = {tool.name: tool for tool in tools}
        self.assertEqual(list(listed), ["Reverse_Text", "Word_Counter", "letter_histogram",
                                        "Flaky_Lookup", "Chatty_Echo", "Greeter"])
        self.assertEqual(listed["Reverse_Text"].title, "Reverse Text")
        self.assertEqual(listed["Reverse_Text"].description, "Reverses a piece of text, character by character.")
        self.assertEqual(listed["Word_Counter"].description,
                         "Counts the words of a text that have at least min_length characters.")
        self.assertEqual(listed["letter_histogram"].description, "Counts how often each letter occurs in a text.")

        reverse = listed["Reverse_Text"].input_schema  # from the pydantic args_schema
        self.assertEqual(reverse["type"], "object")
        self.assertEqual(reverse["properties"]["text"]["description"], "The text to reverse.")
        self.assertEqual(reverse["properties"]["text"]["type"], "string")
        self.assertEqual(reverse["properties"]["uppercase"]["type"], "boolean")
        self.assertEqual(reverse["required"], ["text"])

        counter = listed["Word_Counter"].input_schema  # from the function's signature
        self.assertEqual(counter["properties"], {"text": {"type": "string"},
                                                 "min_length": {"type": "integer", "default": 1}})
        self.assertEqual(counter["required"], ["text"])
        self.assertEqual(listed["Greeter"].input_schema["required"], ["guest"])  # from _run's signature
        self.assertEqual(listed["Chatty_Echo"].meta, {"crew/resultAsAnswer": True})

    def test_calls_each_kind_of_tool(self):
        async def work(session):
            return [await session.call_tool("Reverse_Text", {"text": "stressed", "uppercase": True}),
                    await session.call_tool("Word_Counter", {"text": "a bb ccc", "min_length": 2}),
                    await session.call_tool("letter_histogram", {"text": "Abba!"}),
                    await session.call_tool("Greeter", {"guest": "Ann"})]

        results, _ = with_mcp([BRIDGE] + tool_arguments(), work)
        self.assertEqual([result.is_error for result in results], [False] * 4)
        texts = [result.content[0].text for result in results]
        self.assertEqual(texts[0], "DESSERTS")  # BaseTool subclass, arguments through its args_schema
        self.assertEqual(texts[1], "2")  # @tool("Word Counter"), an int result
        self.assertEqual(json.loads(texts[2]), {"a": 2, "b": 2})  # bare @tool, a dict result as JSON
        self.assertEqual(texts[3], "Ahoy, Ann!")  # a class made with {JSON} keyword arguments

    def test_missing_argument_and_raising_tool_are_tool_errors(self):
        async def work(session):
            return [await session.call_tool("Word_Counter", {"min_length": 2}),
                    await session.call_tool("Flaky_Lookup", {"key": "tides"}),
                    await session.call_tool("Reverse_Text", {"text": "still serving"})]

        (missing, raised, after), stderr = with_mcp([BRIDGE] + tool_arguments(), work)
        self.assertTrue(missing.is_error)
        self.assertEqual(missing.content[0].text, "Missing required argument for Word_Counter: text")
        self.assertTrue(raised.is_error)
        self.assertEqual(raised.content[0].text,
                         "ConnectionError: directory service unreachable while looking up 'tides'")
        self.assertIn("Traceback", stderr)  # the traceback goes to stderr, not to the client
        self.assertFalse(after.is_error)

    def test_printing_tool_leaves_the_stream_intact(self):
        async def work(session):
            return [await session.call_tool("Chatty_Echo", {"message": "hi"}),
                    await session.call_tool("Word_Counter", {"text": "still two"})]

        (echo, count), stderr = with_mcp([BRIDGE] + tool_arguments(), work)
        self.assertEqual(echo.content[0].text, "echo: hi")
        self.assertEqual(count.content[0].text, "2")
        self.assertIn("chatty_tool: echoing 'hi'", stderr)
        self.assertIn("demo_bridge.tools.custom_tool loaded", stderr)

    def test_runs_from_source_given_with_dash_c(self):
        with open(BRIDGE) as file:
            source = file.read()

        async def work(session):
            tools = (await session.list_tools()).tools
            return [tool.name for tool in tools], await session.call_tool("Word_Counter", {"text": "one two three"})

        (names, result), _ = with_mcp(["-c", source] + tool_arguments(TOOL_SPECS[:2]), work)
        self.assertEqual(names, ["Reverse_Text", "Word_Counter"])
        self.assertEqual(result.content[0].text, "3")


@needs_fixture
class RawProtocolTests(unittest.TestCase):
    def test_malformed_line_gets_parse_error_and_server_keeps_serving(self):
        status, messages, _ = run_raw([
            "this is not json",
            '{"jsonrpc": "2.0", "id": 1, "method": ',
            request(2, "ping"),
        ])
        self.assertEqual(status, 0)  # end of input
        self.assertEqual([m["error"]["code"] for m in messages[:2]], [-32700, -32700])
        self.assertEqual([m["id"] for m in messages[:2]], [None, None])
        self.assertEqual(messages[2], {"jsonrpc": "2.0", "id": 2, "result": {}})

    def test_stray_stdout_never_reaches_the_protocol_stream(self):
        # run_raw parses every stdout line as JSON: the import-time print and the tool's print would fail it.
        status, messages, stderr = run_raw([
            request(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                      "clientInfo": {"name": "test", "version": "0"}}),
            call(2, "Chatty_Echo", {"message": "loud"}),
            call(3, "Chatty_Echo", {"message": "louder"}),
        ])
        self.assertEqual(status, 0)
        self.assertEqual([text_of(m["result"]) for m in messages[1:]], ["echo: loud", "echo: louder"])
        self.assertIn("demo_bridge.tools.custom_tool loaded", stderr)
        self.assertIn("chatty_tool: echoing 'louder'", stderr)

    def test_negotiates_protocol_version_and_answers_methods(self):
        init = {"capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}
        status, messages, _ = run_raw([
            request(1, "initialize", dict(init, protocolVersion="2024-11-05")),
            request(2, "initialize", dict(init, protocolVersion="1999-01-01")),
            '{"jsonrpc": "2.0", "method": "notifications/initialized"}',
            request(3, "resources/list"),
            request("four", "tools/call", {"name": "No_Such_Tool", "arguments": {}}),
            request(5, "tools/call", {"name": "Word_Counter", "arguments": ["text"]}),
            '{"jsonrpc": "2.0", "id": 6}',
            '[' + request(7, "ping") + ', ' + request(8, "ping") + ']',
        ])
        self.assertEqual(status, 0)
        self.assertEqual(len(messages), 7)  # the notification is not answered
        answers = by_id(messages[:6])
        self.assertEqual(answers[1]["result"]["protocolVersion"], "2024-11-05")
        self.assertEqual(answers[1]["result"]["capabilities"], {"tools": {}})
        self.assertEqual(answers[1]["result"]["serverInfo"], {"name": "crew-crewai-bridge", "version": "1"})
        self.assertEqual(answers[2]["result"]["protocolVersion"], "2025-06-18")
        self.assertEqual(answers[3]["error"]["code"], -32601)
        self.assertEqual(answers["four"]["error"]["code"], -32602)
        self.assertEqual(answers[5]["error"]["code"], -32602)
        self.assertEqual(answers[6]["error"]["code"], -32600)
        self.assertEqual([m["id"] for m in messages[6]], [7, 8])  # a batch is answered with a batch

    def test_rejects_a_line_over_16_mib_and_keeps_serving(self):
        huge = b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "' + b"x" * (16 * 1024 * 1024) + b'"}}'
        status, messages, _ = run_raw([huge, request(2, "ping")])
        self.assertEqual(status, 0)
        self.assertEqual(messages[0]["error"]["code"], -32600)
        self.assertIsNone(messages[0]["id"])
        self.assertEqual(messages[1], {"jsonrpc": "2.0", "id": 2, "result": {}})


class RefusalAssertions:
    def assertRefused(self, arguments, *fragments, env=None):
        """Exit status 2 with each fragment on stderr, nothing on stdout, stdin never read."""
        status, stdout, stderr = start_refused(arguments, env=env)
        self.assertEqual(status, 2, stderr)
        self.assertEqual(stdout, "")
        for fragment in fragments:
            self.assertIn(fragment, stderr)
        return stderr


class StartupTests(RefusalAssertions, unittest.TestCase):

    @needs_fixture
    def test_module_that_cannot_be_imported(self):
        spec = "demo_bridge.tools.missing_module:anything"
        stderr = self.assertRefused(tool_arguments([spec]), spec, "ModuleNotFoundError")
        self.assertEqual(len(stderr.strip().splitlines()), 1, stderr)
        self.assertNotIn("(at ", stderr)  # no place in the project's code to point at

    @needs_fixture
    def test_missing_attribute(self):
        spec = MODULE + ":NoSuchTool"
        stderr = self.assertRefused(tool_arguments([spec]), spec, "AttributeError", "NoSuchTool")
        # Only the lines the bridge writes: the module's own import-time print also goes to stderr.
        self.assertEqual([l for l in stderr.splitlines() if l.startswith("crewai_bridge:")],
                         [l for l in stderr.splitlines() if "NoSuchTool" in l])

    @needs_fixture
    def test_duplicate_exposed_names(self):
        # "Reverse Text" and "Reverse_Text" are both exposed as Reverse_Text.
        specs = [MODULE + ":MyCustomTool", MODULE + ':MyCustomTool:{"name": "Reverse_Text"}']
        self.assertRefused(tool_arguments(specs), "Reverse_Text", "both exposed")

    def test_usage_errors(self):
        self.assertRefused(tool_arguments() + ["--verbose"], "usage:", "--verbose")
        self.assertRefused(["--root", FIXTURE], "usage:")
        self.assertRefused(tool_arguments([MODULE]), "MODULE:ATTR")
        self.assertRefused(tool_arguments([MODULE + ":GreetingTool:{not json"]), "not JSON")
        self.assertRefused(tool_arguments(root=os.path.join(FIXTURE, "nowhere")), "not a folder")


class OtherEnvironmentTests(RefusalAssertions, unittest.TestCase):
    """The same bridge where crewAI is installed, and where pydantic is not."""

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def write(self, path, text):
        path = os.path.join(self.folder.name, path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as file:
            file.write(textwrap.dedent(text))

    def env_with_path(self, folder):
        return dict(os.environ, PYTHONPATH=os.path.join(self.folder.name, folder))

    @needs_fixture
    def test_uses_an_installed_crewai(self):
        # A minimal installed "crewAI" that marks its run() results and wraps descriptions the way
        # the real one does; the bridge must use it rather than its own stand-in.
        self.write("site/crewai/__init__.py", "")
        self.write("site/crewai/tools/__init__.py", '''
            class BaseTool:
                name = ""
                description = ""
                args_schema = None

                def __init__(self, **kwargs):
                    self.__dict__.update(kwargs)
                    self.description = "Tool Name: %s\\nTool Arguments: {\\n  \\"x\\": 1\\n}\\nTool Description: %s" % (
                        self.name, self.description)

                def run(self, **kwargs):
                    return "installed:" + str(self._run(**kwargs))


            class Tool(BaseTool):
                def _run(self, **kwargs):
                    return self.func(**kwargs)


            def tool(*args, **options):
                def make(name):
                    return lambda func: Tool(name=name, description=func.__doc__, func=func)
                if callable(args[0]):
                    return make(args[0].__name__)(args[0])
                return make(args[0])
        ''')
        status, messages, _ = run_raw(
            [request(1, "tools/list"), call(2, "Reverse_Text", {"text": "ab"}), call(3, "Word_Counter", {"text": "a b"})],
            tool_arguments(TOOL_SPECS[:2]), env=self.env_with_path("site"))
        self.assertEqual(status, 0)
        tools = messages[0]["result"]["tools"]
        self.assertEqual(tools[0]["description"], "Reverses a piece of text, character by character.")
        self.assertEqual(tools[0]["inputSchema"]["required"], ["text"])
        self.assertEqual([text_of(m["result"]) for m in messages[1:]], ["installed:ba", "installed:2"])

    def test_stand_in_without_pydantic_and_without_crewai_tools(self):
        self.write("site/pydantic/__init__.py", 'raise ImportError("pydantic is hidden by the test")\n')
        self.write("project/plain_tools.py", '''
            import os

            from crewai.tools import BaseTool, tool
            from crewai_tools import SerperDevTool

            search = SerperDevTool(n_results=3)


            class Repeat(BaseTool):
                name: str = "Repeat"
                description: str = "Repeats a text."

                def _run(self, text: str, times: int = 2) -> str:
                    return text * times


            @tool("Add Up")
            def add_up(numbers: list, offset: float = 0.5) -> float:
                """Adds numbers."""
                return sum(numbers) + offset


            @tool
            async def shout(text: str) -> str:
                """Shouts, asynchronously, and writes to descriptor 1 as a child process would."""
                os.write(1, b"written to fd 1\\n")
                return text.upper()
        ''')
        root = os.path.join(self.folder.name, "project")
        status, messages, stderr = run_raw(
            [request(1, "tools/list"), call(2, "Repeat", {"text": "ab"}), call(3, "Add_Up", {"numbers": [1, 2]}),
             call(4, "shout", {"text": "hey"})],
            tool_arguments(["plain_tools:Repeat", "plain_tools:add_up", "plain_tools:shout"], root=root),
            env=self.env_with_path("site"))
        self.assertEqual(status, 0, stderr)
        schemas = {tool["name"]: tool["inputSchema"] for tool in messages[0]["result"]["tools"]}
        self.assertEqual(schemas["Repeat"], {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string"}, "times": {"type": "integer", "default": 2}}})
        self.assertEqual(schemas["Add_Up"]["properties"]["numbers"], {"type": "array"})
        self.assertEqual(schemas["Add_Up"]["properties"]["offset"]["type"], "number")
        self.assertEqual([text_of(m["result"]) for m in messages[1:]], ["abab", "3.5", "HEY"])
        self.assertIn("written to fd 1", stderr)

        self.assertRefused(tool_arguments(["plain_tools:search"], root=root), "crewai_tools", "not installed",
                           env=self.env_with_path("site"))


    def test_positional_arguments_given_as_a_json_array(self):
        # crew.py's `SEC10QTool("AMZN")`: a tool class with its own __init__, made by position.
        self.write("project/ticker_tools.py", """
            class TickerTool:
                name = "Ticker"
                description = "Says which ticker it was made for."

                def __init__(self, ticker, exchange="NYSE"):
                    self.ticker, self.exchange = ticker, exchange

                def _run(self, question: str) -> str:
                    return "%s on %s: %s" % (self.ticker, self.exchange, question)
            """)
        root = os.path.join(self.folder.name, "project")

        async def work(session):
            return await session.call_tool("Ticker", {"question": "price?"})

        result, _ = with_mcp([BRIDGE] + tool_arguments(['ticker_tools:TickerTool:["AMZN", "NASDAQ"]'], root=root),
                             work)
        self.assertEqual(result.content[0].text, "AMZN on NASDAQ: price?")
        self.assertRefused(tool_arguments(['ticker_tools:TickerTool:"AMZN"'], root=root), "JSON object", "array")

    def test_project_module_failing_at_import(self):
        self.write("project/broken.py", 'import os\nraise RuntimeError("no config\\nfound")\n')
        stderr = self.assertRefused(
            tool_arguments(["broken:anything", "broken:other"], root=os.path.join(self.folder.name, "project")),
            "--tool broken:anything: RuntimeError: no config found (at ", "broken.py:2)")
        self.assertEqual(len(stderr.strip().splitlines()), 2, stderr)  # one line per --tool, newlines folded


class SchemaFromSignatureTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        spec = importlib.util.spec_from_file_location("crewai_bridge_under_test", BRIDGE)
        cls.bridge = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cls.bridge)

    def test_maps_type_hints_to_json_schema(self):
        def sample(a: str, b: int, c: float, d: bool, e: List[str], f: Dict[str, int], g: Optional[int] = None,
                   h: Literal["x", "y"] = "x", i=3, *rest, **options):
            pass

        schema = self.bridge.schema_from_signature(sample)
        self.assertEqual(schema["required"], ["a", "b", "c", "d", "e", "f"])
        self.assertEqual(schema["properties"], {
            "a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "number"}, "d": {"type": "boolean"},
            "e": {"type": "array", "items": {"type": "string"}}, "f": {"type": "object"},
            "g": {"type": "integer", "default": None}, "h": {"enum": ["x", "y"], "default": "x"}, "i": {"default": 3},
        })

    def test_unwraps_crewai_descriptions(self):
        wrapped = "Tool Name: x\nTool Arguments: {\n  \"a\": 1\n}\nTool Description: Does x.\nReally."
        self.assertEqual(self.bridge.clean_description(wrapped), "Does x.\nReally.")
        self.assertEqual(self.bridge.clean_description("\n    Indented\n    docstring.\n"), "Indented\ndocstring.")


if __name__ == "__main__":
    unittest.main()
