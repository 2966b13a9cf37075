#!/usr/bin/env python3
"""Validates a JSON or YAML file against a JSON Schema, with the draft the schema declares and
Python's regex engine (the Azure task schema's patterns are not valid ECMAScript).
Usage: scripts/check-schema.py SCHEMA FILE. Prints each error; exits 1 when there is any."""
import json
import sys

import jsonschema
import yaml

schema = json.load(open(sys.argv[1]))
with open(sys.argv[2]) as f:
    document = yaml.safe_load(f) if sys.argv[2].endswith((".yml", ".yaml")) else json.load(f)
validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)(schema)
errors = list(validator.iter_errors(document))
for error in errors:
    print(f"{'/'.join(map(str, error.path))}: {error.message}")
sys.exit(1 if errors else 0)
