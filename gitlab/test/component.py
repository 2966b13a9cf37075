#!/usr/bin/env python3
"""The CI/CD component against the rules gitlab-ci.md §9 gives (no GitLab CI schema is available
offline, so this is a schema of our own, written from that reference), and its job rendered as
GitLab would: `component.py check FILE` validates; `component.py job FILE NAME=VALUE...` prints
the job's variables (as NAME=VALUE lines) and then, after a line `---`, its script, with the
inputs' defaults and the given values interpolated."""
import re, sys
import yaml
import jsonschema

SCHEMA = {
    "type": "object", "required": ["spec"], "additionalProperties": False,
    "properties": {"spec": {"type": "object", "required": ["inputs"], "additionalProperties": False, "properties": {
        "inputs": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^[a-z][a-z0-9-]*$"},
                   "additionalProperties": {"type": "object", "additionalProperties": False, "required": ["description"], "properties": {
                       "description": {"type": "string", "minLength": 1},
                       "type": {"enum": ["string", "number", "boolean", "array"]},
                       "default": {},
                       "options": {"type": "array", "minItems": 1, "maxItems": 50},
                       "regex": {"type": "string"}}}}}}},
}
USE = re.compile(r"\$\[\[\s*inputs\.([a-z0-9-]+)\s*(\|[^\]]*)?\]\]")


def load(path):
    text = open(path).read()
    header, _, body = text.partition("\n---\n")
    if not body:
        sys.exit(f"{path}: a component is its spec header, a line '---', then the configuration")
    return text, yaml.safe_load(header), body


def check(path):
    text, header, body = load(path)
    jsonschema.validate(header, SCHEMA)
    inputs = header["spec"]["inputs"]
    for name, spec in inputs.items():
        kind = spec.get("type", "string")
        if "default" in spec:
            value = spec["default"]
            ok = {"string": isinstance(value, str), "number": isinstance(value, (int, float)) and not isinstance(value, bool),
                  "boolean": isinstance(value, bool), "array": isinstance(value, list)}[kind]
            if not ok:
                sys.exit(f"{path}: input {name}: its default is not a {kind}")
            if "options" in spec and value not in spec["options"]:
                sys.exit(f"{path}: input {name}: the default is not one of its options")
            if "regex" in spec and not re.fullmatch(spec["regex"], value):
                sys.exit(f"{path}: input {name}: the default does not match its regex")
        if "options" in spec and kind not in ("string", "number"):
            sys.exit(f"{path}: input {name}: options are for string and number inputs only")
        if "regex" in spec and kind != "string":
            sys.exit(f"{path}: input {name}: regex is for string inputs only")
    used = set(m.group(1) for m in USE.finditer(body))
    if used - set(inputs):
        sys.exit(f"{path}: uses undeclared inputs {sorted(used - set(inputs))}")
    if set(inputs) - used:
        sys.exit(f"{path}: declares inputs it never uses {sorted(set(inputs) - used)}")
    config = yaml.safe_load(USE.sub("x", body))
    for key in ("default", "image", "stages", "variables", "before_script", "after_script", "cache", "services", "workflow"):
        if key in config:
            sys.exit(f"{path}: the global keyword '{key}' would change every job of the including pipeline")
    (job,) = config.values()
    for key in ("stage", "image", "script", "artifacts", "allow_failure"):
        if key not in job:
            sys.exit(f"{path}: the job has no {key}")
    if job["image"].get("entrypoint") != [""]:
        sys.exit(f"{path}: the image's entrypoint must be set aside (entrypoint: [\"\"]) for GitLab's shell")
    reports = job["artifacts"]["reports"]
    if set(reports) != {"junit", "metrics", "annotations"} or job["artifacts"].get("when") != "always":
        sys.exit(f"{path}: the job must upload its junit, metrics and annotations reports, and its folder when: always")
    # expose_as links nothing when the path uses variables, starts with ./, is a glob or a folder without its / (gitlab-ci.md §6.2).
    exposed = job["artifacts"].get("paths", [])
    if "expose_as" not in job["artifacts"] or any("$" in p.replace("$[[", "") or p.startswith("./") or "*" in p or not p.endswith("/") for p in exposed):
        sys.exit(f"{path}: expose_as needs literal folder paths ending in /")
    print(f"{path}: valid: {len(inputs)} inputs, every one declared, typed, defaulted and used")


def job(path, overrides):
    _, header, body = load(path)
    values = {name: spec.get("default", "") for name, spec in header["spec"]["inputs"].items()}
    values.update(overrides)
    config = yaml.safe_load(USE.sub(lambda m: str(values[m.group(1)]), body))
    (spec,) = config.values()
    for name, got in spec.get("variables", {}).items():
        print(f"{name}={'' if got is None else got}")
    print("---")
    print("\n".join(spec["script"]))
    print("---")
    print(" ".join(str(code) for code in spec["allow_failure"]["exit_codes"]))


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        job(sys.argv[2], dict(arg.split("=", 1) for arg in sys.argv[3:]))
