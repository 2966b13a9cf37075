#!/usr/bin/env bash
# Tests of the container action without Docker: action.yml against its schema, then entrypoint.sh
# run the way the runner runs it (INPUT_* with hyphens kept, GITHUB_* variables and command files)
# against the real binary, then shellcheck on every shell script in the repository.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
action="$(dirname "$here")"
root="$(dirname "$action")"
shared="${PERFGATE_SHARED:-$root/../shared}"
binary="${PERFGATE_BIN:-$root/.build/debug/perfgate}"
binary="$(realpath -m "$binary")"  # the action runs in the workspace: no relative paths
# shellcheck source=scripts/lib/tally.sh
source "$here/../../scripts/lib/tally.sh"
skipped=0
# Every folder the checks make is under this one, removed at the end.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# A workspace as a job sees it after download-artifact: the spec and results under perf/.
new_workspace() {
  workspace="$(mktemp -d -p "$scratch")"
  runner="$(mktemp -d -p "$scratch")"
  mkdir -p "$workspace/perf"
  cp -r "$root/Examples/jmeter" "$root/Examples/k6" "$root/Examples/locust" "$workspace/perf/"
  cp "$root/Examples/perfspec-warning.yaml" "$workspace/perf/checkout.perfspec.yaml"
  : > "$runner/output"
  : > "$runner/env"
  : > "$runner/summary"
}

# run_action [NAME=VALUE ...]: the entry point with a clean runner environment plus those variables.
run_action() {
  (cd "$workspace" && env -i PATH="$PATH" HOME="${HOME:-/root}" GITHUB_ACTIONS=true GITHUB_WORKSPACE="$workspace" \
    GITHUB_OUTPUT="$runner/output" GITHUB_ENV="$runner/env" GITHUB_STEP_SUMMARY="$runner/summary" \
    PERFGATE_BIN="$binary" "$@" bash "$action/entrypoint.sh") > "$runner/stdout" 2> "$runner/stderr"
  status=$?
}

output_value() {
  # output_value NAME: the value of the last `name<<DELIMITER` entry in $GITHUB_OUTPUT.
  # The newest entry wins, as on the runner.
  awk -v name="$1" '$0 ~ "^" name "<<" { getline; value = $0 } END { print value }' "$runner/output"
}

# The schema is a third-party file in ../shared: skipped from a bare clone, required in CI.
if [ -d "$shared/schemas" ] || [ "${PERFGATE_REQUIRE_SHARED:-}" = 1 ]; then
  check "action.yml validates against the action schema" \
    "${PERFGATE_PYTHON:-python3}" "$root/scripts/check-schema.py" "$shared/schemas/github-action.schema.json" "$action/action.yml"
else
  skipped=$((skipped + 1))
  echo "ok - action.yml validates against the action schema # SKIP skipped: ../shared not present"
fi

# What the runner does with runs.image (ci-agent-fidelity.md §2.1): a path ending in Dockerfile is
# built with the Dockerfile's folder as the context; anything else must be docker://.
image="$(sed -n 's/^  image: *//p' "$action/action.yml")"
# shellcheck disable=SC2016 # the script gets the image and the folder as arguments
check "action.yml's image is a Dockerfile the runner can build, or a docker:// image" \
  bash -c '[[ "$1" == docker://* ]] || { [[ "$(basename "$1")" == Dockerfile* ]] && test -f "$2/$1"; }' _ "$image" "$action"

new_workspace
run_action INPUT_COMMAND=mark-start INPUT_START=2024-05-01T12:00:00Z
check "mark-start exits 0" test "$status" -eq 0
check "mark-start exports PERFGATE_START" contains "$runner/env" "PERFGATE_START<<perfgate_"
check "mark-start sets the start output" test "$(output_value start)" = "2024-05-01T12:00:00Z"
run_action INPUT_COMMAND=mark-stop INPUT_END=2024-05-01T12:10:00Z
check "mark-stop records the window in the workspace" contains "$workspace/.perfgate/window.json" '"end": "2024-05-01T12:10:00Z"'

run_action INPUT_COMMAND=validate
check "validate exits 0" test "$status" -eq 0
check "validate sets the spec output, relative to the workspace" test "$(output_value spec)" = "perf/checkout.perfspec.yaml"

run_action INPUT_COMMAND=evaluate PROMETHEUS_TOKEN=ACTION-SECRET-55
check "evaluate passes a warning (fail-on fail)" test "$status" -eq 0
check "evaluate sets the result output" test "$(output_value result)" = "warning"
check "evaluate sets the score output" test "$(output_value score)" = "85"
check "evaluate sets the report outputs, relative to the workspace" test "$(output_value junit-report)" = ".perfgate/perfgate-junit.xml"
for name in json-report junit-report markdown-report html-report; do
  # A later step starts in the workspace: the path must name the file from there.
  check "a later step opens the $name output" test -s "$workspace/$(output_value "$name")"
done
check "the JUnit report exists" test -s "$workspace/.perfgate/perfgate-junit.xml"
check "evaluate writes the job summary" contains "$runner/summary" "## ⚠️ perfgate: WARNING, score 85 of 100"
check "evaluate annotates the warned indicator" contains "$runner/stdout" "::warning title=perfgate warning%3A checkout_p95_ms::"
check "the secret is masked first" test "$(head -n 1 "$runner/stdout")" = "::add-mask::ACTION-SECRET-55"
check "the secret appears nowhere else" test "$(cat "$runner/stdout" "$runner/stderr" "$runner/output" "$runner/summary" | grep -c ACTION-SECRET-55)" -eq 1

run_action INPUT_COMMAND=evaluate INPUT_FAIL-ON=warning
check "fail-on warning (INPUT_FAIL-ON, hyphen kept) fails the step" test "$status" -eq 1
check "a failure says why, in perfgate's own words" contains "$runner/stdout" "::error title=perfgate::perfgate: result warning (exit 1: --fail-on warning)"

# shellcheck disable=SC2016 # the point: a value that would run commands if anything evaluated it
run_action INPUT_COMMAND=evaluate 'INPUT_SPEC=$(touch pwned); `touch pwned2`' INPUT_START=now-1m
check "a hostile spec input is one argument, never evaluated" test ! -e "$workspace/pwned" -a ! -e "$workspace/pwned2" -a ! -e "$action/pwned"
check "an unreadable spec exits 65" test "$status" -eq 65
check "an invalid spec is reported" contains "$runner/stdout" "::error title=perfgate::perfgate: invalid spec or input (exit 65)"

run_action INPUT_COMMAND=evaluate 'INPUT_ARGS=--var SERVICE=checkout --timeout 45s' INPUT_START=2024-05-01T12:00:00Z INPUT_END=2024-05-01T12:10:00Z
check "extra args are passed as flags" test "$status" -eq 0

# Every backend's URL input is a flag the binary takes (a wrong one would be a usage error, 64).
run_action INPUT_COMMAND=evaluate INPUT_PROMETHEUS-URL=http://127.0.0.1:9 INPUT_DYNATRACE-URL=http://127.0.0.1:9 INPUT_INFLUXDB-URL=http://127.0.0.1:9 INPUT_GRAPHITE-URL=http://127.0.0.1:9 \
  INPUT_DATADOG-SITE=datadoghq.eu INPUT_NEWRELIC-ACCOUNT-ID=1234567 INPUT_NEWRELIC-REGION=eu INPUT_WEB-URL=http://127.0.0.1:9 \
  INPUT_AZURE-CLIENT-ID=client-1 INPUT_AZURE-TENANT-ID=tenant-1 PROMETHEUS_TOKEN=ACTION-SECRET-55
check "every backend's input is a flag the binary takes (prometheus, dynatrace, influxdb, graphite, datadog, newrelic, web, azure)" test "$status" -eq 0

# A misspelt threshold: the indicator can never fail. An annotation by default, exit 65 with strict.
printf '%s\n' '{"indicators": [{"id": "p95", "source": "static", "query": 5, "grading": {"type": "Threshold", "thresholds": {"upperWarnng": 1}, "metricScore": 10}}], "objectives": {"pass": 9, "warning": 5}}' > "$workspace/typo.json"
run_action INPUT_COMMAND=evaluate "INPUT_SPEC=$workspace/typo.json"
check "an indicator that can never fail passes, with a warning annotation" grep -q '^::warning title=perfgate warning%3A p95::p95 can never fail' "$runner/stdout"
run_action INPUT_COMMAND=validate "INPUT_SPEC=$workspace/typo.json" INPUT_STRICT=true
check "strict: true makes it an error (exit 65)" test "$status" -eq 65

run_action INPUT_COMMAND=validate "INPUT_SLO=$root/Examples/keptn/slo.yaml" INPUT_SLI-PROVIDER=prometheus
check "validate takes a Keptn slo.yaml (INPUT_SLI-PROVIDER, hyphen kept)" test "$status" -eq 0
check "validate offers the gate's folder for upload" test "$(output_value spec)" = "$root/Examples/keptn"

run_action INPUT_COMMAND=evaluate "INPUT_SLO=$root/Examples/keptn/slo.yaml" INPUT_START=now-30s
check "an SLO gate without a minute-long window is a usage error" test "$status" -eq 64
check "the reason is in the log" contains "$runner/stderr" "at least 1 minute long for a Keptn quality gate"

run_action INPUT_COMMAND=evaluate "INPUT_SLO=$root/Examples/keptn/slo.yaml" "INPUT_HISTORY=$workspace/perf" INPUT_START=now-5m
check "the history input reaches perfgate (a folder is no history file)" contains "$runner/stderr" "cannot read the history file"

# The server input: a perfgate server evaluates the workspace's spec; the job holds no backend token.
server="$(mktemp -d -p "$scratch")"
if bash "$root/scripts/test-server" start "$server" "$binary"; then
  cp "$root/Examples/perfspec-static.yaml" "$workspace/perf/remote.perfspec.yaml"
  : > "$runner/output"
  : > "$runner/summary"
  run_action INPUT_COMMAND=evaluate INPUT_SPEC=perf/remote.perfspec.yaml "INPUT_SERVER=$(cat "$server/url")" "PERFGATE_API_KEY=$(cat "$server/key")" \
    INPUT_START=2024-05-01T12:00:00Z INPUT_END=2024-05-01T12:10:00Z
  check "the server input evaluates on the server (a warning passes)" test "$status" -eq 0
  check "the server's result is the step's output" test "$(output_value result)" = "warning"
  check "the server's result is the job summary" contains "$runner/summary" "perfgate: WARNING, score 70 of 100"
  check "the server's API key is masked first" test "$(head -n 1 "$runner/stdout")" = "::add-mask::$(cat "$server/key")"
  check "the server's API key appears nowhere else" test "$(cat "$runner/stdout" "$runner/stderr" "$runner/output" "$runner/summary" | grep -cF "$(cat "$server/key")")" -eq 1
  check "the server answered the evaluation" contains "$server/access.log" '"method":"POST","route":"/api/v1/evaluate","status":200'
  run_action INPUT_COMMAND=evaluate INPUT_SPEC=perf/remote.perfspec.yaml "INPUT_SERVER=$(cat "$server/url")" INPUT_START=2024-05-01T12:00:00Z
  check "without the API key the server refuses and the step fails (exit 2)" test "$status" -eq 2
  check "the refusal says how to give the key" contains "$runner/stdout" "PERFGATE_API_KEY"
  bash "$root/scripts/test-server" stop "$server"
else
  check "a perfgate server starts for the server input's tests" false
fi

# The comment input: one comment on the pull request, edited by the second run, and a later
# step's comment command edits the same one. The token input reaches perfgate as GITHUB_TOKEN.
review="$(mktemp -d -p "$scratch")"
if bash "$root/scripts/test-review-api" start "$review"; then
  printf '%s\n' '{"pull_request": {"number": 8, "head": {"repo": {"full_name": "acme/action"}}}}' > "$runner/event.json"
  pr=(GITHUB_EVENT_PATH="$runner/event.json" GITHUB_EVENT_NAME=pull_request GITHUB_REPOSITORY=acme/action GITHUB_API_URL="$(cat "$review/url")/github"
    GITHUB_SERVER_URL=https://github.com GITHUB_RUN_ID=5 INPUT_GITHUB-TOKEN=ghs_TESTTOKEN0123456789abcdef)
  run_action INPUT_COMMAND=evaluate INPUT_COMMENT=auto "${pr[@]}"
  check "comment: auto comments on the pull request" contains "$runner/stderr" "perfgate commented on pull request #8"
  run_action INPUT_COMMAND=comment "${pr[@]}"
  check "the comment command edits the same comment" contains "$runner/stderr" "perfgate updated its comment on pull request #8"
  check "one comment, edited once" test "$(bash "$root/scripts/test-review-api" state "$review" github 'acme/action#8')" = "1 1"
  check "the token appears only in its mask" test "$(cat "$runner/stdout" "$runner/stderr" | grep -c ghs_TESTTOKEN)" -eq 1
  bash "$root/scripts/test-review-api" stop "$review"
else
  check "the fake review API starts for the comment input's tests" false
fi

run_action INPUT_COMMAND=deploy
check "an unknown command is a usage error" test "$status" -eq 64

run_action INPUT_COMMAND=evaluate PERFGATE_BIN=/nonexistent/perfgate
check "a missing binary is reported" contains "$runner/stdout" "::error title=perfgate::the perfgate binary could not be run"

mapfile -t scripts < <(cd "$root" && { git ls-files -- '*.sh' scripts .ci/run; ls github-actions/*.sh github-actions/test/*.sh; } \
  | grep -vE '\.(py|c)$' | sort -u | while read -r file; do head -n 1 "$root/$file" | grep -q python || echo "$root/$file"; done)
check "shellcheck passes on every shell script" shellcheck -x "${scripts[@]}"

echo "github-actions: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
