#!/usr/bin/env python3
"""Validates task.json against the Azure Pipelines task schema, with Python's regex engine (the
schema's patterns are not valid ECMAScript). Prints each error; exits 1 when there is any."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
task = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft4Validator(schema).iter_errors(task))
for error in errors:
    print(f"{'/'.join(map(str, error.path))}: {error.message}")
sys.exit(1 if errors else 0)
