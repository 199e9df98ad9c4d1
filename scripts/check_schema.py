#!/usr/bin/env python3
"""Validate crew files against schemas/crew.schema.json.

Usage: python3 scripts/check_schema.py [PATH ...]

Each PATH is a crew file or a folder holding crew.yaml; with no PATH, every examples/*/crew.yaml is checked.
Files named by a crew file's `include:` are checked too, against schemas/crew-fragment.schema.json.
Before that, the script checks that the schemas are valid draft 2020-12 schemas, that they accept a minimal
crew, and that they reject a set of known-bad documents, so that the check cannot pass vacuously.

YAML is read the way `crew` reads it (YAML 1.2 core schema): only true/false are booleans (`yes` is a
string), dates stay strings, `0o17` and `1_000` are integers, and a key repeated in one mapping is an error.

Exit status: 0 when everything passes, 1 when a file or a self-test fails, 2 on a usage error.
Needs the `jsonschema` (4.18 or later) and `PyYAML` packages.
"""

from __future__ import annotations

import glob
import json
import re
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schemas"
CREW_SCHEMA = SCHEMA_DIR / "crew.schema.json"
FRAGMENT_SCHEMA = SCHEMA_DIR / "crew-fragment.schema.json"
TESTS_SCHEMA = SCHEMA_DIR / "crew-tests.schema.json"


# --- YAML as crew reads it ------------------------------------------------------------------------------


class CrewYAMLLoader(yaml.SafeLoader):
    """A SafeLoader with YAML 1.2 core-schema scalars and duplicate keys refused."""


_DROPPED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:value",
}
CrewYAMLLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CrewYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
CrewYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|[-+]?0x[0-9a-fA-F]+|[-+]?0o[0-7]+)$"),
    list("-+0123456789"),
)
CrewYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _construct_bool(loader, node):
    return loader.construct_scalar(node) in ("true", "True", "TRUE")


def _construct_int(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    if body.startswith("0o"):
        return sign * int(body[2:], 8)
    return sign * int(body, 10)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:  # the keys written in the mapping, before `<<` merges keys in
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} in one mapping (crew reports E107)", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)  # expands `<<` merge keys; written keys win


CrewYAMLLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
CrewYAMLLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
CrewYAMLLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
CrewYAMLLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_yaml(text: str):
    return yaml.load(text, Loader=CrewYAMLLoader)


# --- Schemas --------------------------------------------------------------------------------------------


def load_validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    crew_schema = json.loads(CREW_SCHEMA.read_text(encoding="utf-8"))
    fragment_schema = json.loads(FRAGMENT_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(crew_schema)
    Draft202012Validator.check_schema(fragment_schema)
    registry = Registry().with_resources(
        [
            (CREW_SCHEMA.as_uri(), Resource.from_contents(crew_schema, default_specification=DRAFT202012)),
            (FRAGMENT_SCHEMA.as_uri(), Resource.from_contents(fragment_schema, default_specification=DRAFT202012)),
        ]
    )
    crew = Draft202012Validator({"$ref": CREW_SCHEMA.as_uri()}, registry=registry)
    fragment = Draft202012Validator({"$ref": FRAGMENT_SCHEMA.as_uri()}, registry=registry)
    return crew, fragment


def tests_validator() -> Draft202012Validator:
    """The validator of a crew's tests/*.yaml files."""
    crew_schema = json.loads(CREW_SCHEMA.read_text(encoding="utf-8"))
    tests_schema = json.loads(TESTS_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(tests_schema)
    registry = Registry().with_resources(
        [
            (CREW_SCHEMA.as_uri(), Resource.from_contents(crew_schema, default_specification=DRAFT202012)),
            (TESTS_SCHEMA.as_uri(), Resource.from_contents(tests_schema, default_specification=DRAFT202012)),
        ]
    )
    return Draft202012Validator({"$ref": TESTS_SCHEMA.as_uri()}, registry=registry)


def problems(validator: Draft202012Validator, document) -> list[str]:
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        found.append(f"{where}: {error.message}")
    return found


# --- Self-test: the schema must accept a good crew and reject bad ones -----------------------------------

MINIMAL = """
version: 1
name: minimal
models:
  main: { provider: openai, model: gpt-4o-mini, api_key: "${env:OPENAI_API_KEY}" }
agents:
  writer: { role: Writer, goal: Write }
tasks:
  write: { agent: writer, description: Write a haiku. }
"""


def with_minimal(extra: str) -> str:
    """The minimal crew with `extra` lines spliced in (they may replace whole sections)."""
    return MINIMAL + extra


# Documents `crew validate` refuses: (the code it reports, what is wrong, document, included file?, where the
# schema must report it). Checking the place of the error keeps a broken test document from passing by accident.
BAD_DOCUMENTS = [
    ("E110", "unknown top-level key", with_minimal("colour: blue\n"), False, "/"),
    ("E113", "missing version", MINIMAL.replace("version: 1\n", ""), False, "/"),
    ("E116", "version 2", MINIMAL.replace("version: 1", "version: 2"), False, "/version"),
    ("E115", "crew name with capitals", MINIMAL.replace("name: minimal", "name: Minimal Crew"), False, "/name"),
    ("E114", "unknown provider", MINIMAL.replace("provider: openai", "provider: openia"), False, "/models/main/provider"),
    ("E130", "literal api_key", MINIMAL.replace('"${env:OPENAI_API_KEY}"', "sk-test-123"), False, "/models/main/api_key"),
    (
        "E130",
        "api_key with text around the reference",
        MINIMAL.replace('"${env:OPENAI_API_KEY}"', '"x${env:K}"'),
        False,
        "/models/main/api_key",
    ),
    ("E113", "openai model without `model`", MINIMAL.replace("model: gpt-4o-mini, ", ""), False, "/models/main"),
    (
        "E210",
        "`replies` on a non-mock model",
        MINIMAL.replace("api_key:", "replies: { write: hi }, api_key:"),
        False,
        "/models/main",
    ),
    (
        "E114",
        "temperature above 2",
        MINIMAL.replace("model: gpt-4o-mini,", "model: gpt-4o-mini, temperature: 2.5,"),
        False,
        "/models/main/temperature",
    ),
    ("E110", "unknown agent key", MINIMAL.replace("goal: Write", "goal: Write, mood: happy"), False, "/agents/writer"),
    ("E113", "agent without goal", MINIMAL.replace(", goal: Write", ""), False, "/agents/writer"),
    ("E113", "task without agent", MINIMAL.replace("agent: writer, ", ""), False, "/tasks/write"),
    ("E115", "bad entry name", MINIMAL.replace("  writer:", "  9writer:"), False, "/agents"),
    ("E120", "malformed reference", MINIMAL.replace("Write a haiku.", '"Use ${HOME}."'), False, "/tasks/write/description"),
    ("E117", "zero duration", with_minimal("defaults: { timeout: 0s }\n"), False, "/defaults/timeout"),
    ("E117", "duration in words", with_minimal("defaults: { timeout: 5 minutes }\n"), False, "/defaults/timeout"),
    ("E114", "max_parallel 0", with_minimal("defaults: { max_parallel: 0 }\n"), False, "/defaults/max_parallel"),
    (
        "E113",
        "output without file or schema",
        MINIMAL.replace("description: Write a haiku.", "description: x, output: {}"),
        False,
        "/tasks/write/output",
    ),
    (
        "E207",
        "output file outside the folder",
        MINIMAL.replace("description: Write a haiku.", "description: x, output: { file: ../x.md }"),
        False,
        "/tasks/write/output/file",
    ),
    ("E113", "tool without type", with_minimal("tools:\n  t: { description: x }\n"), False, "/tools/t"),
    ("E114", "tool of unknown type", with_minimal("tools:\n  t: { type: shell, program: ls }\n"), False, "/tools/t/type"),
    (
        "E110",
        "key of another tool type",
        with_minimal("tools:\n  t: { type: http, allow: 'https://x/*', root: docs }\n"),
        False,
        "/tools/t",
    ),
    (
        "E114",
        "http allow without scheme",
        with_minimal("tools:\n  t: { type: http, allow: 'example.com/*' }\n"),
        False,
        "/tools/t/allow",
    ),
    (
        "E114",
        "http method PUT",
        with_minimal("tools:\n  t: { type: http, allow: 'https://x/*', methods: [PUT] }\n"),
        False,
        "/tools/t/methods",
    ),
    (
        "E130",
        "literal secret header",
        with_minimal("tools:\n  t: { type: http, allow: 'https://x/*', headers: { Authorization: Bearer abc } }\n"),
        False,
        "/tools/t/headers/Authorization",
    ),
    (
        "E210",
        "mcp with command and url",
        with_minimal("tools:\n  t: { type: mcp, command: npx, url: 'https://x' }\n"),
        False,
        "/tools/t",
    ),
    ("E210", "mcp with neither command nor url", with_minimal("tools:\n  t: { type: mcp }\n"), False, "/tools/t"),
    (
        "E113",
        "knowledge tool without knowledge",
        with_minimal("tools:\n  t: { type: knowledge, top_k: 3 }\n"),
        False,
        "/tools/t",
    ),
    ("E207", "file tool with absolute root", with_minimal("tools:\n  t: { type: file, root: /etc }\n"), False, "/tools/t/root"),
    (
        "E112",
        "integer input with a word as default",
        with_minimal("inputs:\n  n: { type: integer, default: many }\n"),
        False,
        "/inputs/n",
    ),
    ("E112", "`yes` is not a boolean", with_minimal("inputs:\n  b: { type: boolean, default: yes }\n"), False, "/inputs/b"),
    (
        "E114",
        "chunk size below 16",
        with_minimal("knowledge:\n  kb: { sources: docs/*.md, chunk: { size: 8 } }\n"),
        False,
        "/knowledge/kb/chunk/size",
    ),
    ("E113", "knowledge without sources", with_minimal("knowledge:\n  kb: { description: x }\n"), False, "/knowledge/kb"),
    (
        "E114",
        "embedder with anthropic",
        with_minimal("embedders:\n  e: { provider: anthropic, model: x }\n"),
        False,
        "/embedders/e/provider",
    ),
    ("E107", "duplicate key", MINIMAL + "name: again\n", False, None),
    ("E110", "`name` in an included file", "name: part\nagents:\n  a: { role: r, goal: g }\n", True, "/"),
    ("E110", "`include` in an included file", "include: [more.yaml]\n", True, "/"),
]

# Documents `crew validate` accepts, written in the less common forms the schema must also accept.
GOOD_DOCUMENTS = [
    (
        "short forms",
        with_minimal(
            "inputs:\n  topic:\n  n: 3\n  ratio: 0.5\n  flag: true\n  city: Oslo\n"
            "knowledge:\n  kb: { sources: { text: 'inline text' }, chunk: { size: 16, overlap: 0 } }\n"
            "tools:\n  t: { type: knowledge, knowledge: kb, mode: bm25 }\n"
            "  h: { type: http, allow: 'https://api.example.com/*', methods: get,"
            " headers: { X-Api-Key: '${env:API_KEY}', Accept: application/json } }\n"
            "  m: { type: mcp, url: '${env:MCP_URL}', headers: { Authorization: 'Bearer ${file:/run/token}' } }\n"
            "  c: { type: command, program: rg, args: ['--json', '{pattern}', '{{literal}}'],"
            " input_schema: { type: object, properties: { pattern: { type: string } } } }\n"
            "x-notes: { anything: [goes, here] }\n"
            "defaults: { model: main, timeout: 1.5m, max_parallel: 1 }\n"
        ).replace("role: Writer, goal: Write", "role: Writer, goal: 'Write about {topic} {n} {ratio} {flag} {city}', tools: [t, h, m, c]"),
    ),
    (
        "mock model without `model`, inline schema, durations",
        MINIMAL.replace(
            'main: { provider: openai, model: gpt-4o-mini, api_key: "${env:OPENAI_API_KEY}" }',
            "main: { provider: mock, replies: { write: done }, timeout: 90 }",
        ).replace(
            "description: Write a haiku.",
            "description: 'Answer as JSON like {\"a\": 1} or {{literal}}', timeout: '500ms',"
            " output: { schema: { type: object, required: [a] }, max_repairs: 0 }",
        ),
    ),
]


def self_test(crew: Draft202012Validator, fragment: Draft202012Validator) -> list[str]:
    failures = []
    for what, text in [("minimal crew", MINIMAL), *GOOD_DOCUMENTS]:
        for problem in problems(crew, load_yaml(text)):
            failures.append(f"self-test: the schema rejects a good document ({what}): {problem}")
    if problems(fragment, {"agents": {"a": {"role": "r", "goal": "g"}}}):
        failures.append("self-test: the schema rejects a minimal included file")
    for code, what, text, is_fragment, where in BAD_DOCUMENTS:
        try:
            document = load_yaml(text)
        except yaml.YAMLError:
            if where is not None:
                failures.append(f"self-test: a bad document ({what}, {code}) could not be read")
            continue  # refused while reading, as crew refuses it
        found = problems(fragment if is_fragment else crew, document)
        if not found:
            failures.append(f"self-test: the schema accepts a bad document ({what}, {code})")
        elif where is not None and not any(p.startswith(where + ":") for p in found):
            failures.append(f"self-test: a bad document ({what}, {code}) is refused for another reason: {found[0]}")
    return failures


# --- Crew files -----------------------------------------------------------------------------------------


def expand_braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [p for alternative in match.group(1).split(",") for p in expand_braces(head + alternative + tail)]


def included_files(crew_file: Path, document) -> tuple[list[Path], list[str]]:
    """The files a crew file's `include:` names, in order, each once (the root file never)."""
    if not isinstance(document, dict) or "include" not in document or document["include"] is None:
        return [], []
    patterns = document["include"]
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list):
        return [], []  # the schema reports it
    root = crew_file.parent
    seen = {crew_file.resolve()}
    files, missing = [], []
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        matched = sorted(
            {
                Path(found)
                for alternative in expand_braces(pattern)
                for found in glob.glob(str(root / alternative), recursive=True)
                if Path(found).is_file()
            }
        )
        if not matched:
            missing.append(f"`include` pattern {pattern!r} matches no file")
        for path in matched:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
    return files, missing


def check_file(path: Path, validator: Draft202012Validator) -> tuple[object, list[str]]:
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return None, [f"cannot read: {error}"]
    return document, problems(validator, document)


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def crew_files(arguments: list[str]) -> list[Path] | None:
    if not arguments:
        return sorted(REPO.glob("examples/*/crew.yaml"))
    paths = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            path = next((path / name for name in ("crew.yaml", "crew.yml") if (path / name).is_file()), None)
            if path is None:
                print(f"error: no crew.yaml in {argument}", file=sys.stderr)
                return None
        elif not path.is_file():
            print(f"error: no such file: {argument}", file=sys.stderr)
            return None
        paths.append(path)
    return paths


def main(arguments: list[str]) -> int:
    if any(a in ("-h", "--help") for a in arguments):
        print(__doc__.strip())
        return 0
    files = crew_files(arguments)
    if files is None:
        return 2
    if not files:
        print("error: no crew files to check", file=sys.stderr)
        return 2
    crew, fragment = load_validators()
    tests = tests_validator()
    failures = self_test(crew, fragment)
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print(
            f"ok   schema self-test: {len(BAD_DOCUMENTS)} bad documents refused, "
            f"{len(GOOD_DOCUMENTS) + 1} good ones accepted"
        )
    for path in files:
        document, found = check_file(path, crew)
        report(path, found)
        failures += found
        parts, missing = included_files(path, document)
        for problem in missing:
            report(path, [problem])
            failures.append(problem)
        for part in parts:
            _, found = check_file(part, fragment)
            report(part, found, included=True)
            failures += found
        for test_file in sorted(path.parent.glob("tests/*.yaml")):
            _, found = check_file(test_file, tests)
            report(test_file, found)
            failures += found
    return 1 if failures else 0


def report(path: Path, found: list[str], included: bool = False) -> None:
    label = display(path) + (" (included)" if included else "")
    if not found:
        print(f"ok   {label}")
    for problem in found:
        print(f"FAIL {label}: {problem}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
