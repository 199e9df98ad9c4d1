#!/usr/bin/env python3
"""Validates WorkflowTemplates against Argo Workflows' published JSON Schema (Tests/Fixtures/argo/schema.json, with
its source in SOURCE.md there), strictly: every definition that lists properties and says nothing of others gets
`additionalProperties: false`, so a misspelt key (`dependecies`) is an error, as the published schema would let it
pass. Validates against the WorkflowTemplate definition itself, not the top-level oneOf, so errors stay readable.
Usage: check_argo.py FILE.yaml...  (exit 0: all valid; 1: a problem, printed with its path)"""
import copy
import json
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

SCHEMA = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "argo" / "schema.json"
DEFINITION = "io.argoproj.workflow.v1alpha1.WorkflowTemplate"


def strict(schema):
    schema = copy.deepcopy(schema)
    for definition in schema["definitions"].values():
        if "properties" in definition and "additionalProperties" not in definition:
            definition["additionalProperties"] = False
    return schema


def main(paths):
    schema = strict(json.loads(SCHEMA.read_text(encoding="utf-8")))
    schema["$ref"] = "#/definitions/" + DEFINITION
    schema.pop("oneOf", None)
    validator = Draft202012Validator(schema)
    failed = False
    for path in paths:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:20]:
            where = "/" + "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: {where}: {error.message[:300]}")
        if errors:
            failed = True
        else:
            print(f"ok   {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
