#!/bin/bash
# The container action's entry point: maps the action's inputs to perfgate's flags and runs it.
# The runner passes input "fail-on" as INPUT_FAIL-ON, a name a shell cannot expand, so inputs are
# read with printenv. Every value stays one argument: nothing is evaluated or split, except the
# `args` input, which is split into words (see below).
set -euo pipefail

input() {
  printenv "INPUT_$1" 2>/dev/null || true
}

perfgate="${PERFGATE_BIN:-/usr/local/bin/perfgate}"
# As the action, the runner sets GITHUB_ACTIONS and every declared input (INPUT_COMMAND has a
# default, so it is always there). It also passes the `args` input as the container's arguments,
# because action.yml has no runs.args (actions/runner's ContainerActionHandler; nektos/act does the
# same, and lets `with: args` win even over runs.args). Those arguments are the `args` input again,
# split by the runner, so the action ignores them and reads INPUT_ARGS below.
# Run as a plain image (`docker run IMAGE serve --host 0.0.0.0 ...`), the arguments are perfgate's.
if [ "${GITHUB_ACTIONS:-}" != true ] || [ -z "${INPUT_COMMAND+set}" ]; then
  if [ "$#" -gt 0 ]; then
    exec "$perfgate" "$@"
  fi
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
  if [ "$(input STRICT)" = true ]; then arguments+=(--strict); fi
  flag --spec SPEC
  flag --slo SLO
  flag --sli SLI
  flag --sli-provider SLI-PROVIDER
}

feedback_flags() {
  # The pull request comment and chat webhooks. The token goes in the environment, never argv.
  local comment target
  comment="$(input COMMENT)"
  # command: comment exists to comment: its default (none, or unset) means auto unless it only notifies.
  if [ "$command" = comment ] && { [ -z "$comment" ] || [ "$comment" = none ]; } && [ -z "$(input NOTIFY)" ]; then comment=auto; fi
  if [ -n "$comment" ]; then arguments+=(--comment "$comment"); fi
  if [ -n "$comment" ] && [ "$comment" != none ] && [ -n "$(input GITHUB-TOKEN)" ]; then
    GITHUB_TOKEN="$(input GITHUB-TOKEN)"
    export GITHUB_TOKEN
  fi
  for target in $(input NOTIFY | tr ',' ' '); do
    arguments+=(--notify "$target")
  done
  flag --notify-on NOTIFY-ON
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
    flag --influxdb-url INFLUXDB-URL
    flag --graphite-url GRAPHITE-URL
    flag --datadog-site DATADOG-SITE
    flag --newrelic-account-id NEWRELIC-ACCOUNT-ID
    flag --newrelic-region NEWRELIC-REGION
    flag --web-url WEB-URL
    # Ids, not secrets; perfgate reads them from the environment, as Azure's own tools do.
    client_id="$(input AZURE-CLIENT-ID)"
    tenant_id="$(input AZURE-TENANT-ID)"
    if [ -n "$client_id" ]; then export AZURE_CLIENT_ID="$client_id"; fi
    if [ -n "$tenant_id" ]; then export AZURE_TENANT_ID="$tenant_id"; fi
    flag --server SERVER
    feedback_flags
    ;;
  comment)
    arguments=(comment --ci github)
    report="$(input REPORT)"
    arguments+=(--report "${report:-.perfgate/perfgate-result.json}")
    feedback_flags
    ;;
  *)
    echo "::error title=perfgate::unknown command: use mark-start, mark-stop, validate, evaluate or comment"
    exit 64
    ;;
esac

if [ "$command" = evaluate ] || [ "$command" = validate ]; then
  # The `args` input, split into words as a shell would (quotes group: --var "NOTE=a b"; a
  # backslash escapes) but with nothing expanded, globbed or run: that is exactly what xargs does.
  if ! input ARGS | xargs -r printf '' 2> /dev/null; then
    echo "::error title=perfgate::the args input has an unmatched quote: close it, or escape it with a backslash"
    exit 64
  fi
  mapfile -d '' -t extra < <(input ARGS | xargs -r printf '%s\0')
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
