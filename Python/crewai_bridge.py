"""crew's bridge to the tools a crewAI project writes in Python: a small MCP server on stdio.

crew reads crewAI projects without running them, so the tools a project defines itself (`@tool`
functions and `BaseTool` subclasses) can only run in the project's own interpreter. crew starts
this file there, either as a script or as `python3 -c "<this source>"`:

    crewai_bridge.py --root DIR --tool MODULE:ATTR [--tool MODULE:CLASS:{"kw": "json"}] [--tool MODULE:CLASS:["pos"]]

and speaks MCP to it: newline-delimited JSON-RPC 2.0 on stdin and stdout. Standard library only
(Python 3.9 or newer); pydantic is used when the project has it. Exit status: 0 at the end of the
input, 2 for a usage error or a tool that cannot be loaded (reported before stdin is read).
"""

import argparse
import asyncio
import importlib
import importlib.util
import inspect
import json
import os
import re
import sys
import traceback
import types
import typing

SERVER_INFO = {"name": "crew-crewai-bridge", "version": "1"}
# Oldest to newest; a client asking for anything else is answered with the newest.
PROTOCOL_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18")
MAX_LINE_BYTES = 16 * 1024 * 1024

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

USAGE = (
    "usage: crewai_bridge.py --root DIR --tool MODULE:ATTR [--tool MODULE:CLASS:{JSON}] ...\n"
    "  ATTR is a @tool function, a BaseTool instance, or a BaseTool subclass (made with no arguments);\n"
    "  MODULE:CLASS:{JSON} makes the class with the JSON object as keyword arguments."
)


class BridgeError(Exception):
    """A problem that ends the bridge with exit status 2 before it serves anything."""


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


# --- Standing in for crewAI -----------------------------------------------------------------------


def install_shims():
    """Makes `crewai.tools` and `crewai_tools` importable when the environment lacks them.

    crew runs tools of projects whose environment may not have crewAI installed (it is large, and
    crew does not need it); the project's tool module still imports `crewai.tools`. The stand-in
    behaves like crewAI for what a tool module touches: BaseTool, the @tool decorator and EnvVar.
    Returns True when the crewai stand-in is in use.
    """
    using_shim = False
    try:
        import crewai.tools  # noqa: F401
    except Exception as error:  # an installed but broken crewAI is as unusable as a missing one
        if not (isinstance(error, ModuleNotFoundError) and error.name in ("crewai", "crewai.tools")):
            _warn("crewai is installed but cannot be imported (%s); using the bridge's crewai.tools" % _one_line(error))
        for key in [k for k in sys.modules if k == "crewai" or k.startswith("crewai.")]:
            del sys.modules[key]
        _install_crewai_shim()
        using_shim = True
    # Only looked up, not imported: crewai_tools is slow to import, and most tool modules never use it.
    try:
        has_crewai_tools = importlib.util.find_spec("crewai_tools") is not None
    except (ImportError, ValueError):
        has_crewai_tools = False
    if not has_crewai_tools:
        _install_crewai_tools_shim()
    return using_shim


def _install_crewai_shim():
    BaseTool, Tool, tool, EnvVar = _shim_classes()
    crewai = types.ModuleType("crewai", "Stand-in for crewAI, installed by crew's crewai_bridge.")
    tools = types.ModuleType("crewai.tools")
    base_tool = types.ModuleType("crewai.tools.base_tool")
    # Empty __path__ makes them packages, so `import crewai.tools.base_tool` finds the entries below.
    crewai.__path__ = []
    tools.__path__ = []
    for module in (tools, base_tool):
        module.BaseTool, module.Tool, module.tool, module.EnvVar = BaseTool, Tool, tool, EnvVar
    crewai.tools = tools
    tools.base_tool = base_tool
    sys.modules.update({"crewai": crewai, "crewai.tools": tools, "crewai.tools.base_tool": base_tool})


# Placeholder classes handed out by the crewai_tools stand-in, by name.
_PLACEHOLDERS = {}


def _install_crewai_tools_shim():
    """Lets a tool module import prebuilt tools (`from crewai_tools import SerperDevTool`) next to its
    own. Those are placeholders: a --tool naming one is refused at start, and running one fails."""
    from crewai.tools import BaseTool

    module = types.ModuleType("crewai_tools", "Stand-in for crewai_tools, installed by crew's crewai_bridge.")

    def placeholder(name):
        if name.startswith("_"):  # dunders are asked for by the import system; they must stay absent
            raise AttributeError(name)
        if name not in _PLACEHOLDERS:
            def _run(self, *args, **kwargs):
                raise RuntimeError("%s comes from crewai_tools, which is not installed" % name)

            _PLACEHOLDERS[name] = type(name, (BaseTool,), {
                "__module__": "crewai_tools",
                "__annotations__": {"name": str, "description": str},
                "name": name,
                "description": "%s (crewai_tools is not installed)" % name,
                "_run": _run,
            })
        return _PLACEHOLDERS[name]

    module.__getattr__ = placeholder
    sys.modules["crewai_tools"] = module


def _shim_classes():
    try:
        import pydantic
    except ImportError:
        pydantic = None

    class ToolBehaviour:
        """What crewAI's BaseTool.run does around _run: validate, count uses, await coroutines."""

        def run(self, *args, **kwargs):
            if not args:
                kwargs = _validated_arguments(self, kwargs)
            if self.max_usage_count is not None and self.current_usage_count >= self.max_usage_count:
                return "Tool '%s' has reached its usage limit of %d times and cannot be used anymore." % (
                    self.name, self.max_usage_count)
            self.current_usage_count += 1
            return _settle(self._run(*args, **kwargs))

        def _run(self, *args, **kwargs):
            raise NotImplementedError("%s does not implement _run" % type(self).__name__)

    if pydantic is not None:
        # A pydantic model like crewAI's, since tool classes declare their settings as fields
        # (`name: str = "…"`, `api_key: str = Field(…)`) and are made with keyword arguments.
        config_dict = getattr(pydantic, "ConfigDict", None)

        class BaseTool(ToolBehaviour, pydantic.BaseModel):
            if config_dict is not None:
                model_config = config_dict(arbitrary_types_allowed=True)
            else:
                class Config:
                    arbitrary_types_allowed = True

            name: str
            description: str
            args_schema: typing.Optional[typing.Type[typing.Any]] = None
            env_vars: typing.List[typing.Any] = []
            result_as_answer: bool = False
            max_usage_count: typing.Optional[int] = None
            current_usage_count: int = 0

        class Tool(BaseTool):
            func: typing.Callable[..., typing.Any]

            def _run(self, *args, **kwargs):
                return self.func(*args, **kwargs)

        class EnvVar(pydantic.BaseModel):
            name: str
            description: str
            required: bool = True
            default: typing.Optional[str] = None
    else:
        class BaseTool(ToolBehaviour):
            name = ""
            description = ""
            args_schema = None
            env_vars = ()
            result_as_answer = False
            max_usage_count = None
            current_usage_count = 0

            def __init__(self, **kwargs):
                for key, value in kwargs.items():
                    setattr(self, key, value)

        class Tool(BaseTool):
            func = None

            def _run(self, *args, **kwargs):
                return self.func(*args, **kwargs)

        class EnvVar:
            def __init__(self, name, description, required=True, default=None):
                self.name, self.description, self.required, self.default = name, description, required, default

    def tool(*args, result_as_answer=False, max_usage_count=None):
        """crewAI's decorator: @tool, @tool("Name"), @tool("Name", result_as_answer=True), @tool(...)."""

        def with_name(tool_name):
            def make(func):
                if func.__doc__ is None:  # crewAI refuses these too, so the project would not run there
                    raise ValueError("Function must have a docstring")
                return Tool(name=tool_name, description=func.__doc__, func=func,
                            result_as_answer=result_as_answer, max_usage_count=max_usage_count)
            return make

        if len(args) == 1 and callable(args[0]):
            return with_name(args[0].__name__)(args[0])
        if len(args) == 1 and isinstance(args[0], str):
            return with_name(args[0])
        if not args:
            return lambda func: with_name(func.__name__)(func)
        raise ValueError("Invalid arguments")

    return BaseTool, Tool, tool, EnvVar


def _validated_arguments(tool, arguments):
    """Validates and coerces arguments against a pydantic args_schema, as crewAI's run does."""
    schema = getattr(tool, "args_schema", None)
    fields = getattr(schema, "model_fields", None) or getattr(schema, "__fields__", None)
    if not fields:
        return arguments
    try:
        if hasattr(schema, "model_validate"):
            return schema.model_validate(arguments).model_dump()
        return schema.parse_obj(arguments).dict()
    except Exception as error:
        raise ValueError("Tool '%s' arguments validation failed: %s" % (tool.name, error)) from error


def _settle(result):
    """The value of an async tool: it runs to completion here, since calls are answered in order."""
    if not inspect.isawaitable(result):
        return result

    async def wait():
        return await result

    return asyncio.run(wait())


# --- Tools ----------------------------------------------------------------------------------------


class BridgedTool:
    """One tool as MCP shows it, with the callable that runs it."""

    def __init__(self, spec, name, description, input_schema, call, result_as_answer):
        self.spec = spec
        self.name = re.sub(r"[^A-Za-z0-9_-]", "_", name)
        self.title = name
        self.description = description
        self.input_schema = input_schema
        self.required = [n for n in input_schema.get("required", []) if isinstance(n, str)]
        self.call = call
        self.result_as_answer = result_as_answer

    def listing(self):
        entry = {"name": self.name, "title": self.title, "description": self.description,
                 "inputSchema": self.input_schema}
        if self.result_as_answer:
            # crewAI ends the agent's turn with such a tool's result; crew can do the same.
            entry["_meta"] = {"crew/resultAsAnswer": True}
        return entry


def parse_spec(text):
    """MODULE:ATTR, MODULE:CLASS:{JSON} or MODULE:CLASS:[JSON] → (module, attr, arguments or None), where
    arguments is (positional list, keyword dict). JSON may hold colons."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise BridgeError("--tool %s: expected MODULE:ATTR or MODULE:CLASS:{JSON}" % text)
    arguments = None
    if len(parts) == 3:
        try:
            value = json.loads(parts[2])
        except ValueError as error:
            raise BridgeError("--tool %s: the arguments are not JSON: %s" % (text, error))
        if isinstance(value, dict):
            arguments = ([], value)
        elif isinstance(value, list):
            arguments = (value, {})
        else:
            raise BridgeError("--tool %s: the arguments must be a JSON object (by keyword) or array (by position)"
                              % text)
    return parts[0], parts[1], arguments


def load_tool(spec, module_errors):
    """Imports and makes the tool a --tool names. `module_errors` remembers modules that failed, so
    a second --tool from a broken module does not run its import-time code again."""
    module_name, attr, arguments = parse_spec(spec)
    if module_name in module_errors:
        raise module_errors[module_name]
    try:
        target = importlib.import_module(module_name)
    except BaseException as error:  # SystemExit from project code at import counts as a failure too
        if isinstance(error, KeyboardInterrupt):
            raise
        module_errors[module_name] = error
        raise
    for part in attr.split("."):
        target = getattr(target, part)
    if any(target is cls or isinstance(target, cls) for cls in _PLACEHOLDERS.values()):
        raise BridgeError("--tool %s: %s comes from crewai_tools, which is not installed" % (spec, attr))
    if isinstance(target, type):
        positional, keywords = arguments or ([], {})
        target = target(*positional, **keywords)
    elif arguments is not None:
        raise BridgeError("--tool %s: only a class takes JSON arguments" % spec)
    return bridged(spec, target)


def bridged(spec, target):
    if hasattr(target, "name") and (callable(getattr(target, "_run", None)) or callable(getattr(target, "func", None))):
        func = getattr(target, "func", None)
        implementation = func if callable(func) else target._run
        run = getattr(target, "run", None)
        call = run if callable(run) else implementation
        schema = schema_from_model(getattr(target, "args_schema", None), spec) or schema_from_signature(implementation)
        name = str(target.name)
        description = clean_description(getattr(target, "description", ""))
        result_as_answer = bool(getattr(target, "result_as_answer", False))
    elif inspect.isfunction(target) or inspect.ismethod(target):  # an undecorated function works too
        name, call = target.__name__, target
        description = clean_description(target.__doc__)
        schema = schema_from_signature(target)
        result_as_answer = False
    else:
        raise BridgeError("--tool %s: %r is neither a crewAI tool nor a function" % (spec, target))
    if not name:
        raise BridgeError("--tool %s: the tool has an empty name" % spec)
    return BridgedTool(spec, name, description, schema, call, result_as_answer)


def clean_description(text):
    text = str(text or "")
    # Real crewAI rewrites a tool's description into "Tool Name: …\nTool Arguments: {…}\nTool
    # Description: <original>" for its own prompts; MCP carries the schema apart, so keep the original.
    # The arguments are indented JSON, so no line of theirs can start with the marker.
    marker = "\nTool Description: "
    if text.startswith("Tool Name: ") and marker in text:
        text = text.split(marker, 1)[1]
    return inspect.cleandoc(text)


def schema_from_model(model, spec):
    if not isinstance(model, type):
        return None
    for method in ("model_json_schema", "schema"):  # pydantic 2, then 1 (and pydantic.v1 models)
        make = getattr(model, method, None)
        if not callable(make):
            continue
        try:
            schema = make()
        except Exception as error:
            _warn("--tool %s: no JSON schema from %s (%s); using the signature" % (spec, model.__name__, _one_line(error)))
            return None
        if isinstance(schema, dict):
            schema = dict(schema)
            schema["type"] = "object"
            schema.setdefault("properties", {})
            return schema
    return None


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean",
               list: "array", tuple: "array", set: "array", frozenset: "array", dict: "object"}
_JSON_TYPE_NAMES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
                    "list": "array", "tuple": "array", "set": "array", "dict": "object"}


def schema_from_signature(func):
    """The input schema crewAI would build from a function's parameters, for plain JSON types."""
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # a hint naming something unimportable: fall back to the raw annotations
        hints = dict(getattr(func, "__annotations__", None) or {})
    properties, required = {}, []
    for parameter in inspect.signature(func).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or parameter.name == "self":
            continue
        prop = json_type(hints.get(parameter.name, parameter.annotation))
        if parameter.default is parameter.empty:
            required.append(parameter.name)
        elif _is_plain_json(parameter.default):
            prop["default"] = parameter.default
        properties[parameter.name] = prop
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def json_type(hint):
    """A JSON schema for a type hint; {} (anything) for what has no plain JSON equivalent."""
    if isinstance(hint, str):  # unresolved, e.g. under `from __future__ import annotations`
        name = hint.split("[", 1)[0].strip().rsplit(".", 1)[-1].lower()
        return {"type": _JSON_TYPE_NAMES[name]} if name in _JSON_TYPE_NAMES else {}
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or (origin is not None and origin is getattr(types, "UnionType", None)):
        options = [json_type(arg) for arg in args if arg is not type(None)]
        if len(options) == 1:
            return options[0]
        return {"anyOf": options} if all(options) else {}
    if origin is typing.Literal:
        return {"enum": list(args)} if all(_is_plain_json(a) for a in args) else {}
    if origin is not None:
        schema = json_type(origin)
        if schema.get("type") == "array" and origin is not tuple and args:
            items = json_type(args[0])
            if items:
                schema["items"] = items
        return schema
    if isinstance(hint, type) and hint in _JSON_TYPES:
        return {"type": _JSON_TYPES[hint]}
    return {}


def _is_plain_json(value):
    return value is None or isinstance(value, (str, int, float, bool))


# --- Calls ----------------------------------------------------------------------------------------


def call_tool(tool, arguments):
    missing = [name for name in tool.required if name not in arguments]
    if missing:
        noun = "argument" if len(missing) == 1 else "arguments"
        return _tool_result("Missing required %s for %s: %s" % (noun, tool.name, ", ".join(missing)), True)
    try:
        result = _settle(tool.call(**arguments))
    except (Exception, SystemExit) as error:  # a tool's sys.exit() must not end the server
        traceback.print_exc(file=sys.stderr)
        message = str(error)
        return _tool_result("%s: %s" % (type(error).__name__, message) if message else type(error).__name__, True)
    return _tool_result(render(result), False)


def render(result):
    if isinstance(result, str):
        return result
    if isinstance(result, (dict, list, tuple)):
        try:
            return json.dumps(result, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            return str(result)
    if callable(getattr(result, "model_dump_json", None)):  # a pydantic model
        return result.model_dump_json()
    return str(result)


def _tool_result(text, is_error):
    # A lone surrogate (from bad bytes decoded with surrogateescape) could not be sent as UTF-8.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return {"content": [{"type": "text", "text": text}], "isError": is_error}


# --- Protocol -------------------------------------------------------------------------------------


class Server:
    def __init__(self, tools):
        self.tools = {tool.name: tool for tool in tools}
        self.order = list(tools)
        self.handlers = {
            "initialize": self.initialize,
            "ping": lambda params: {},
            "tools/list": lambda params: {"tools": [tool.listing() for tool in self.order]},
            "tools/call": self.call,
        }

    def initialize(self, params):
        requested = params.get("protocolVersion")
        return {
            "protocolVersion": requested if requested in PROTOCOL_VERSIONS else PROTOCOL_VERSIONS[-1],
            "capabilities": {"tools": {}},
            "serverInfo": SERVER_INFO,
        }

    def call(self, params):
        name = params.get("name")
        tool = self.tools.get(name) if isinstance(name, str) else None
        if tool is None:
            raise RpcError(INVALID_PARAMS, "Unknown tool: %s" % (name,))
        arguments = params.get("arguments")
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise RpcError(INVALID_PARAMS, "arguments of tools/call must be an object")
        return call_tool(tool, arguments)

    def serve(self, reader, writer):
        while True:
            # Bounded read: a client cannot make the bridge hold more than one limit's worth of line.
            line = reader.readline(MAX_LINE_BYTES + 1)
            if not line:
                return 0
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:  # drop the rest of the line in small pieces
                    rest = reader.readline(65536)
                    if not rest or rest.endswith(b"\n"):
                        break
                self.send(writer, _error(None, INVALID_REQUEST, "Request longer than %d bytes" % MAX_LINE_BYTES))
                continue
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except (ValueError, RecursionError) as error:
                self.send(writer, _error(None, PARSE_ERROR, "Parse error: %s" % _one_line(error)))
                continue
            if isinstance(message, list):  # a JSON-RPC batch (MCP 2025-03-26)
                if not message:
                    self.send(writer, _error(None, INVALID_REQUEST, "Empty batch"))
                    continue
                responses = [r for r in map(self.dispatch, message) if r is not None]
                if responses:
                    self.send(writer, responses)
                continue
            response = self.dispatch(message)
            if response is not None:
                self.send(writer, response)

    def dispatch(self, message):
        if not isinstance(message, dict):
            return _error(None, INVALID_REQUEST, "Invalid Request: not a JSON object")
        has_id = "id" in message
        request_id = message.get("id")
        valid_id = isinstance(request_id, str) or (isinstance(request_id, int) and not isinstance(request_id, bool))
        method = message.get("method")
        if method is None and ("result" in message or "error" in message):
            return None  # a response, yet this server never asks the client anything
        if message.get("jsonrpc") != "2.0" or not isinstance(method, str) or (has_id and not valid_id):
            return _error(request_id if valid_id else None, INVALID_REQUEST, "Invalid Request")
        if not has_id:
            return None  # notifications (initialized, cancelled, …) are never answered
        handler = self.handlers.get(method)
        if handler is None:
            return _error(request_id, METHOD_NOT_FOUND, "Method not found: %s" % method)
        params = message.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            return _error(request_id, INVALID_PARAMS, "params must be an object")
        try:
            result = handler(params)
        except RpcError as error:
            return _error(request_id, error.code, error.message)
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            return _error(request_id, INTERNAL_ERROR, "Internal error: %s" % _one_line(error))
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    @staticmethod
    def send(writer, message):
        # default=str: a value JSON has no form for (a schema default, say) must not end the server.
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)
        writer.write(text.encode("utf-8") + b"\n")
        writer.flush()


def _error(request_id, code, message):
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


# --- Start ----------------------------------------------------------------------------------------


def claim_stdio():
    """Keeps the real stdin and stdout for the protocol and gives the project harmless ones.

    Project code prints (crewAI itself printed "Using Tool: …" for a long time), starts programs that
    inherit descriptor 1, or calls input(); on the real streams any of these would corrupt or steal
    protocol messages. Moving the descriptors, not only sys.stdout, covers child processes as well;
    sys.stdout then becomes sys.stderr so prints are not held back in a pipe's buffer until exit.
    """
    sys.stdout.flush()
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = sys.stderr
    return reader, writer


def parse_arguments(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            _warn(message)
            sys.stderr.write(USAGE + "\n")
            sys.exit(2)

    parser = Parser(prog="crewai_bridge.py", usage=USAGE, allow_abbrev=False, add_help=False)
    parser.add_argument("--root", required=True)
    parser.add_argument("--tool", action="append", required=True)
    return parser.parse_args(argv)


def main(argv):
    options = parse_arguments(argv)
    reader, writer = claim_stdio()
    root = os.path.abspath(options.root)
    if not os.path.isdir(root):
        _warn("--root %s: not a folder" % options.root)
        return 2
    try:
        for spec in options.tool:  # refuse a malformed --tool before any project code runs
            parse_spec(spec)
    except BridgeError as error:
        _warn(str(error))
        return 2
    # crewAI projects keep their package under src/ and are run from their folder.
    for path in reversed([root, os.path.join(root, "src")]):
        if os.path.isdir(path):
            sys.path.insert(0, path)
    using_shim = install_shims()

    tools, failures, module_errors = [], [], {}
    for spec in options.tool:
        try:
            tools.append(load_tool(spec, module_errors))
        except BridgeError as error:
            failures.append(str(error))
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                raise
            failures.append("--tool %s: %s%s%s" % (spec, _describe(error), _location(error, root), _hint(error, using_shim)))
    by_name = {}
    for tool in tools:
        if tool.name in by_name:
            failures.append("--tool %s and --tool %s are both exposed as tool %s" % (by_name[tool.name].spec, tool.spec, tool.name))
        by_name.setdefault(tool.name, tool)
    if failures:
        for failure in failures:  # every problem at once, one line each
            _warn(failure)
        return 2
    return Server(tools).serve(reader, writer)


def _describe(error):
    message = _one_line(error)
    return "%s: %s" % (type(error).__name__, message) if message else type(error).__name__


def _location(error, root):
    """The innermost line of the project's own code in the failure, so the one line is enough to
    find it (a missing module, say, fails in importlib: that place says nothing)."""
    inside = os.path.join(root, "")
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if os.path.abspath(frame.filename).startswith(inside):
            return " (at %s:%s)" % (frame.filename, frame.lineno)
    return ""


def _hint(error, using_shim):
    if using_shim and isinstance(error, ImportError) and "crewai" in str(error):
        return " (crewAI is not installed here; the bridge stands in only for crewai.tools: BaseTool, tool, EnvVar)"
    return ""


def _one_line(error):
    return " ".join(str(error).split())


def _warn(message):
    sys.stderr.write("crewai_bridge: %s\n" % message)
    sys.stderr.flush()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        # The client went away mid-answer. Leave at once: a normal exit would flush into the closed
        # pipe again and print a second error.
        os._exit(0)
