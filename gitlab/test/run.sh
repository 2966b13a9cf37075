#!/usr/bin/env bash
# Tests of perfgate on GitLab CI/CD without a GitLab: the component against the rules of
# gitlab-ci.md §9 (a schema of our own: no GitLab CI schema is available offline), then its job
# run as the runner runs it (the script in `sh -e`, GitLab's variables, the project directory as the
# working directory) against the real binary, then the same job in perfgate's image with podman.
#   gitlab/test/run.sh [DEBUG_BINARY] [RELEASE_BINARY]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${PERFGATE_SHARED:-$root/../shared}"
binary="$(realpath -m "${1:-${PERFGATE_BIN:-$root/.build/debug/perfgate}}")"
release="$(realpath -m "${2:-$root/.build/release/perfgate}")"
python="${PERFGATE_PYTHON:-python3}"
component="$root/gitlab/templates/perfgate.yml"
# shellcheck source=scripts/lib/tally.sh
source "$root/scripts/lib/tally.sh"
# shellcheck source=scripts/lib/podman.sh
source "$root/scripts/lib/podman.sh"
skipped=0
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

check "the component validates (spec header, typed inputs with defaults, every input used, no global keywords)" \
  "$python" "$here/component.py" check "$component"
# GitLab parses before it interpolates (or, behind a feature flag, after): values YAML reads as
# syntax (a glob's `*`, `: `, ` #`, an empty value) and another exit code give one job both ways.
both_ways() { "$python" "$here/component.py" job "$component" "$@" > /dev/null; }
check "values with YAML syntax interpolate to the same job both ways" \
  both_ways 'spec=*.perfspec.yaml' 'args=--var NOTE=a: b #c' 'start=' 'history=&h' warning-exit-code=42

# A project as the gate job sees it: the spec in perf/, the window from the inputs.
new_project() {
  project="$scratch/builds/group/project-$1"
  mkdir -p "$project/perf"
  cp "$root/Examples/perfspec-static.yaml" "$project/perf/checkout.perfspec.yaml"
  : > "$scratch/gitlab_env"
}

# The job's variables and script, as GitLab interpolates the inputs.
render() {
  "$python" "$here/component.py" job "$component" "$@" > "$scratch/job"
  awk 'BEGIN{p=1} /^---$/{p++; next} p==1' "$scratch/job" > "$scratch/variables"
  awk 'BEGIN{p=1} /^---$/{p++; next} p==2' "$scratch/job" > "$scratch/script"
  allowed="$(awk 'BEGIN{p=1} /^---$/{p++; next} p==3' "$scratch/job")"
}

gitlab_variables=(GITLAB_CI=true CI=true CI_SERVER=yes CI_PIPELINE_ID=4711 CI_JOB_ID=90210 CI_JOB_NAME=perfgate
  CI_JOB_URL=https://gitlab.example.com/group/project/-/jobs/90210 CI_PROJECT_PATH=group/project CI_COMMIT_SHA=0123456789abcdef)

# run_job: the script under `sh -e` in the project directory, as the shell executor runs it.
run_job() {
  local -a variables=()
  mapfile -t variables < "$scratch/variables"
  mkdir -p "$scratch/bin"
  ln -sf "$binary" "$scratch/bin/perfgate"
  (cd "$project" && env -i PATH="$scratch/bin:/usr/bin:/bin" HOME="$scratch" "${gitlab_variables[@]}" CI_PROJECT_DIR="$project" \
    GITLAB_ENV="$scratch/gitlab_env" "${variables[@]}" sh -e "$scratch/script") > "$scratch/stdout" 2> "$scratch/stderr"
  status=$?
}

metrics_parse() {
  "$python" - "$1" <<'PY'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
families = list(text_string_to_metric_families(open(sys.argv[1]).read()))
assert any(f.name == "perfgate_score" for f in families), "no perfgate_score"
PY
}

junit_valid() {
  [ -d "$shared/schemas" ] || { [ "${PERFGATE_REQUIRE_SHARED:-}" != 1 ]; return; }
  for schema in junit-10.xsd junit-ant-strict.xsd; do
    xmllint --noout --schema "$shared/schemas/$schema" "$1" 2> /dev/null || return 1
  done
}

new_project job
render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z
run_job
check "a warning exits 3" test "$status" -eq 3
check "the job lists 3 under allow_failure: exit_codes (an orange job)" test "$allowed" = 3
check "the JUnit report is where artifacts:reports:junit looks" test -s "$project/perfgate-report/perfgate-junit.xml"
check "the JUnit report validates against both JUnit schemas" junit_valid "$project/perfgate-report/perfgate-junit.xml"
check "the warned indicator is a test case of its own (GitLab has no warning status: it shows as passed)" \
  contains "$project/perfgate-report/perfgate-junit.xml" 'testcase name="checkout_p95_ms"'
check "metrics.txt is where artifacts:reports:metrics looks" test -s "$project/perfgate-report/metrics.txt"
check "metrics.txt parses as strict OpenMetrics (prometheus_client)" metrics_parse "$project/perfgate-report/metrics.txt"
check "metrics.txt holds the score and the result" grep -qx 'perfgate_score 70' "$project/perfgate-report/metrics.txt"
annotations_valid() {
  # GitLab's schema (gitlab-ci.md §6.1): an object of lists of {external_link: {label, url}}, nothing else.
  "$python" - "$1" "$2" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
assert isinstance(data, dict) and len(data) <= 20, data
for name, items in data.items():
    assert isinstance(items, list) and len(items) <= 1000 and len(name) <= 255
    for item in items:
        assert set(item) == {"external_link"} and set(item["external_link"]) == {"label", "url"}, item
        assert all(isinstance(v, str) for v in item["external_link"].values())
assert data["perfgate"][0]["external_link"]["url"] == sys.argv[2], data
PY
}
check "annotations.json links the HTML report on the job's page, in GitLab's schema" \
  annotations_valid "$project/perfgate-report/annotations.json" "https://gitlab.example.com/group/project/-/jobs/90210/artifacts/file/perfgate-report/perfgate.html"
check "the HTML report is in the exposed folder" grep -q '<!DOCTYPE html>' "$project/perfgate-report/perfgate.html"
check "each indicator has a collapsible section" test "$(grep -c $'\e\\[0Ksection_start:[0-9]*:perfgate_indicator_' "$scratch/stdout")" -eq 2
check "the passing indicator's section is collapsed" grep -q 'perfgate_indicator_2\[collapsed=true\]' "$scratch/stdout"
check "the last line says how the job ends and what to list" contains "$scratch/stderr" "list 3 under allow_failure: exit_codes"

# comment: auto in a merge request pipeline: one note, edited by the next pipeline's job; the
# token from a masked variable, never in the log.
review="$scratch/review"
if bash "$root/scripts/test-review-api" start "$review"; then
  render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z comment=auto
  saved=("${gitlab_variables[@]}")
  gitlab_variables+=(CI_API_V4_URL="$(cat "$review/url")/api/v4" CI_PROJECT_ID=77 CI_MERGE_REQUEST_IID=5 PERFGATE_GITLAB_TOKEN=glpat-TESTTOKEN0123456789)
  run_job
  check "comment: auto adds a note to the merge request" contains "$scratch/stderr" "perfgate added a note to merge request !5"
  run_job
  check "one note, edited by the next run" test "$(bash "$root/scripts/test-review-api" state "$review" gitlab '77!5')" = "1 1"
  check "the token never shows in the job log" test "$(cat "$scratch/stdout" "$scratch/stderr" | grep -c glpat-TESTTOKEN)" -eq 0
  gitlab_variables=("${saved[@]}")
  bash "$root/scripts/test-review-api" stop "$review"
else
  check "the fake review API starts for the comment input's tests" false
fi

render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z fail-on=warning
run_job
check "fail-on warning fails the job (exit 1, red)" test "$status" -eq 1
sed 's/value: 950/value: 1500/' "$root/Examples/perfspec-static.yaml" > "$project/perf/checkout.perfspec.yaml"
render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z
run_job
check "a failure exits 1" test "$status" -eq 1
check "the failure's reason is the <failure> element's text, which GitLab shows" \
  grep -q '<failure message="[^"]*" type="upperSevere">checkout: 1500 &gt;= upperSevere 1200' "$project/perfgate-report/perfgate-junit.xml"
cp "$root/Examples/perfspec-static.yaml" "$project/perf/checkout.perfspec.yaml"
sed -i 's/value: 950/value: 100/' "$project/perf/checkout.perfspec.yaml"
run_job
check "a pass exits 0" test "$status" -eq 0
# A misspelt threshold: the indicator can never fail. A warning by default; an error with strict.
sed -i 's/upperWarning:/upperWarnng:/; s/upperSevere:/upperSevre:/' "$project/perf/checkout.perfspec.yaml"
run_job
check "an indicator that can never fail passes with a warning by default" test "$status" -eq 0
check "which the log names" contains "$scratch/stderr" "can never fail: it has no thresholds"
render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z strict=true
run_job
check "strict=true makes it an error before anything is queried (exit 65)" test "$status" -eq 65
render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z 'args=--var SERVICE=checkout --verbose'
run_job
check "args are split into flags" contains "$scratch/stderr" "sent:"
run_job_marked() {
  (cd "$project" && env -i PATH="$scratch/bin:/usr/bin:/bin" HOME="$scratch" "${gitlab_variables[@]}" CI_PROJECT_DIR="$project" \
    GITLAB_ENV="$scratch/gitlab_env" perfgate mark start --at 2024-05-01T12:00:00Z) > /dev/null 2>&1
}
run_job_marked
check "mark start in an earlier job writes the pipeline's window file in the project (an artifact)" test -s "$project/.perfgate/window-gitlab-4711.json"
check "mark start exports PERFGATE_START for the rest of the job (\$GITLAB_ENV)" grep -qx 'PERFGATE_START=2024-05-01T12:00:00Z' "$scratch/gitlab_env"

# The same job in perfgate's image, as the Docker executor runs it: the image's entrypoint set
# aside, the script fed to sh, the project at /builds/<path>.
if [ "${PERFGATE_SKIP_CONTAINER:-}" = 1 ] || ! command -v podman > /dev/null || [ ! -x "$release" ]; then
  skipped=$((skipped + 1))
  echo "ok - the job runs in perfgate's image with podman # SKIP no podman or release binary"
else
  podman_config "$scratch"
  mkdir -p "$scratch/context"
  install -m 0755 "$release" "$scratch/context/perfgate"
  strip "$scratch/context/perfgate"
  install -m 0755 "$root/github-actions/entrypoint.sh" "$scratch/context/entrypoint.sh"
  image=localhost/perfgate:gitlab-test
  if podman image exists docker.io/library/debian:bookworm-slim \
    && podman build -q --target prebuilt -t "$image" -f "$root/Dockerfile" "$scratch/context" > /dev/null; then
    new_project container
    render spec=perf/checkout.perfspec.yaml start=2024-05-01T12:00:00Z end=2024-05-01T12:10:00Z
    mapfile -t variables < "$scratch/variables"
    names=()
    for line in "${gitlab_variables[@]}" "${variables[@]}" CI_PROJECT_DIR=/builds/group/project; do names+=(-e "$line"); done
    podman run --rm -i --entrypoint "" -v "$project":/builds/group/project -w /builds/group/project "${names[@]}" "$image" \
      sh -e -s < "$scratch/script" > "$scratch/stdout" 2> "$scratch/stderr"
    status=$?
    check "in perfgate's image (entrypoint set aside, script on sh's stdin) a warning exits 3" test "$status" -eq 3
    check "the container wrote the reports into the mounted project" test -s "$project/perfgate-report/metrics.txt"
    check "the container's metrics.txt parses as strict OpenMetrics" metrics_parse "$project/perfgate-report/metrics.txt"
    check "the container's JUnit validates" junit_valid "$project/perfgate-report/perfgate-junit.xml"
    podman rmi -f "$image" > /dev/null 2>&1 || true
  else
    check "perfgate's image builds for the GitLab job (the GitHub container test makes the base image)" false
  fi
fi

echo "gitlab: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
