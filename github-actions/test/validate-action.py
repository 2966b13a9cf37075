#!/usr/bin/env python3
"""Validates action.yml against the GitHub action schema (draft-07). Prints each error; exits 1 on any."""
import json
import sys

import jsonschema
import yaml

schema = json.load(open(sys.argv[1]))
action = yaml.safe_load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(action))
for error in errors:
    print(f"{'/'.join(map(str, error.path))}: {error.message}")
sys.exit(1 if errors else 0)
