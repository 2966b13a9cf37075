#!/bin/bash
# The container action's entry point: maps the action's inputs to perfgate's flags and runs it.
# The runner passes input "fail-on" as INPUT_FAIL-ON, a name a shell cannot expand, so inputs are
# read with printenv. Every value stays one argument: nothing is evaluated or split, except the
# `args` input, which is split on whitespace without globbing.
set -euo pipefail

input() {
  printenv "INPUT_$1" 2>/dev/null || true
}

perfgate="${PERFGATE_BIN:-/usr/local/bin/perfgate}"
# Run as a plain image (`docker run IMAGE serve --host 0.0.0.0 ...`): the arguments are perfgate's.
# The action itself passes none (action.yml has no runs.args).
if [ "$#" -gt 0 ]; then
  exec "$perfgate" "$@"
fi
command="$(input COMMAND)"
command="${command:-evaluate}"
arguments=()

flag() {
  # flag NAME INPUT: adds NAME and the input's value when the input is set.
  local value
  value="$(input "$2")"
  if [ -n "$value" ]; then
    arguments+=("$1" "$value")
  fi
}

gate_flags() {
  # The spec, or a Keptn quality gate: the same inputs for validate and evaluate.
  flag --spec SPEC
  flag --slo SLO
  flag --sli SLI
  flag --sli-provider SLI-PROVIDER
}

case "$command" in
  mark-start)
    arguments=(mark start --ci github)
    flag --at START
    flag --window-file WINDOW-FILE
    ;;
  mark-stop)
    arguments=(mark stop --ci github)
    flag --at END
    flag --window-file WINDOW-FILE
    ;;
  validate)
    arguments=(validate --ci github)
    gate_flags
    ;;
  evaluate)
    arguments=(evaluate --ci github)
    gate_flags
    flag --history HISTORY
    flag --start START
    flag --end END
    flag --window-file WINDOW-FILE
    flag --fail-on FAIL-ON
    flag --report-dir REPORT-DIR
    flag --prometheus-url PROMETHEUS-URL
    flag --dynatrace-url DYNATRACE-URL
    flag --server SERVER
    ;;
  *)
    echo "::error title=perfgate::unknown command: use mark-start, mark-stop, validate or evaluate"
    exit 64
    ;;
esac

if [ "$command" = evaluate ] || [ "$command" = validate ]; then
  read -r -a extra <<< "$(input ARGS | tr '\n' ' ')"
  arguments+=("${extra[@]}")
fi

status=0
"$perfgate" "${arguments[@]}" || status=$?
# perfgate says how the run ended itself (an ::error annotation for any exit but 0); only a binary
# that could not run at all, or was killed, needs a word from here.
case "$status" in
  126 | 127) echo "::error title=perfgate::the perfgate binary could not be run from $perfgate" ;;
  0 | 1 | 2 | 64 | 65) ;;
  *) echo "::error title=perfgate::perfgate stopped with exit code $status" ;;
esac
exit "$status"
