#!/usr/bin/env python3
"""The CI/CD component against the rules gitlab-ci.md §9 gives (no GitLab CI schema is available
offline, so this is a schema of our own, written from that reference), and its job rendered as
GitLab would: `component.py check FILE` validates; `component.py job FILE NAME=VALUE...` prints
the job's variables (as NAME=VALUE lines) and then, after a line `---`, its script, with the
inputs' defaults and the given values interpolated.

The file is parsed exactly as written, `$[[ … ]]` and all, as GitLab's long-standing interpolation
does: it parses the YAML first and interpolates the parsed values afterwards (an input that is a
whole value keeps its type; inside a longer string it becomes text). Its text interpolation (the
`ci_text_interpolation` feature flag, gitlab-org/gitlab MR 142009) substitutes the text first and
parses the result. Every job is rendered both ways, and the two must be the same job."""
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
    """The spec header and the configuration, each parsed as written (a YAML error ends the test)."""
    text = open(path).read()
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        sys.exit(f"{path}: not YAML before interpolation, so GitLab cannot include it: {error}")
    if len(documents) != 2:
        sys.exit(f"{path}: a component is its spec header, a line '---', then the configuration")
    return text, documents[0], documents[1]


def text_of(value):
    """An input's value inside a longer string, as GitLab (Ruby) prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def interpolate_parsed(node, values):
    """GitLab's interpolation of a parsed document: strings and keys; a whole-value input keeps its type."""
    if isinstance(node, dict):
        return {interpolate_parsed(key, values): interpolate_parsed(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_parsed(item, values) for item in node]
    if isinstance(node, str):
        whole = USE.fullmatch(node.strip()) if node.strip() == node else None
        if whole:
            return values[whole.group(1)]
        return USE.sub(lambda m: text_of(values[m.group(1)]), node)
    return node


def interpolate_text(body, values):
    """GitLab's text interpolation: substitute, then parse."""
    return yaml.safe_load(USE.sub(lambda m: text_of(values[m.group(1)]), body))


def render(path, overrides):
    """The configuration with the inputs interpolated, the same both ways, or the test stops."""
    text, header, config = load(path)
    values = {name: spec.get("default", "") for name, spec in header["spec"]["inputs"].items()}
    values.update(overrides)
    parsed = interpolate_parsed(config, values)
    substituted = interpolate_text(text.split("\n---\n", 1)[1], values)
    if parsed != substituted:
        sys.exit(f"{path}: the two interpolations differ for {overrides}:\n  parsed first: {parsed}\n  text first:   {substituted}")
    return parsed


def check(path):
    text, header, config = load(path)
    body = text.split("\n---\n", 1)[1]
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
    render(path, {})
    print(f"{path}: valid YAML as written: {len(inputs)} inputs, every one declared, typed, defaulted and used;"
          " the defaults interpolate to the same job both ways")


def job(path, overrides):
    inputs = load(path)[1]["spec"]["inputs"]
    for name, value in list(overrides.items()):
        if inputs.get(name, {}).get("type") == "number":
            overrides[name] = int(value)  # a number input is a number, as GitLab types it
    config = render(path, overrides)
    (spec,) = config.values()
    for name, got in spec.get("variables", {}).items():
        print(f"{name}={'' if got is None else got}")
    print("---")
    print("\n".join(spec["script"]))
    print("---")
    codes = spec["allow_failure"]["exit_codes"]
    print(" ".join(str(code) for code in (codes if isinstance(codes, list) else [codes])))


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        job(sys.argv[2], dict(arg.split("=", 1) for arg in sys.argv[3:]))
