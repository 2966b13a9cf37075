#!/usr/bin/env bash
# The GitHub container action for real: the runtime image is built with podman from the release
# binary, and run the way the GitHub runner runs a container action (ci-agent-fidelity.md §2.2 to
# §2.5): the same mounts, working directory, `-e NAME` list, translated paths and INPUT_* variables
# (every declared input, defaults applied). The checks then look, from the host, at the step
# outputs, the job summary, the workspace and the exit codes.
#
#   github-actions/test/container.sh [BINARY]     (default: .build/release/perfgate)
#
# Needs root, podman, buildah, runc and debootstrap (scripts/install-deps installs them). A
# machine where podman cannot run fails here: this test never skips.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$(realpath "${1:-$root/.build/release/perfgate}")"
# shellcheck source=scripts/lib/tally.sh
source "$root/scripts/lib/tally.sh"
# shellcheck source=scripts/lib/podman.sh
source "$root/scripts/lib/podman.sh"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

finish() {
  echo "github-actions container: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

podman_config "$scratch"
if ! base_image "$scratch"; then
  check "debootstrap makes a bookworm base" false
  finish
fi

# The runtime stage from the prebuilt binary: a context with only the binary and the entry point.
mkdir -p "$scratch/context"
install -m 0755 "$binary" "$scratch/context/perfgate"
strip "$scratch/context/perfgate"
install -m 0755 "$root/github-actions/entrypoint.sh" "$scratch/context/entrypoint.sh"
image=localhost/perfgate:test
started=$SECONDS
check "the runtime stage builds from the prebuilt binary" \
  podman build -q --iidfile "$scratch/iid" --target prebuilt -t "$image" -f "$root/Dockerfile" "$scratch/context"
echo "# image built in $((SECONDS - started)) s, $(podman image inspect "$image" --format '{{.Size}}') bytes"
check "the image runs perfgate" test "$(podman run --rm --entrypoint /usr/local/bin/perfgate "$image" --version)" != ""

# The default build (no --target, no --build-arg), as podman's buildah reads the real Dockerfile:
# its stages and their order are kept; only the build stage, whose swift image cannot be pulled
# here, becomes one that takes the prebuilt files. The context has no top-level `perfgate`, so the
# build fails if the `prebuilt` stage is built too, and so it did while an ARG chose the stage
# (`FROM ${BINARY_FROM}` with the stage `build` as the default: buildah looked for an image `build`).
mkdir -p "$scratch/default/stub"
cp -p "$scratch/context/perfgate" "$scratch/context/entrypoint.sh" "$scratch/default/stub/"
awk '/^FROM .* AS build$/ { print "FROM docker.io/library/debian:bookworm-slim AS build"; print "COPY stub/ /out/"; skip = 1; next }
     /^FROM / { skip = 0 } !skip' "$root/Dockerfile" > "$scratch/default/Dockerfile"
check "the Dockerfile's stage graph builds with podman's defaults" \
  podman build -q -t localhost/perfgate:default -f "$scratch/default/Dockerfile" "$scratch/default"
check "the default build is the runtime that runs the action" \
  test "$(podman image inspect localhost/perfgate:default --format '{{json .Config.Entrypoint}}')" = '["/entrypoint.sh"]'
check "the default build's image runs perfgate" \
  test "$(podman run --rm --entrypoint /usr/local/bin/perfgate localhost/perfgate:default --version 2> /dev/null)" != ""
podman rmi -f localhost/perfgate:default > /dev/null 2>&1 || true

# The binary's needs: glibc up to the documented minimum (README, "Install"), libgcc and libcurl;
# libyaml is linked in. The image is a debootstrap bookworm with only libcurl4 and ca-certificates added.
minimum_glibc=2.17
highest="$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)"
echo "# the binary needs GLIBC_$highest at most; documented minimum: glibc $minimum_glibc"
check "the binary needs no glibc newer than the documented $minimum_glibc" \
  test "$(printf '%s\n%s\n' "$highest" "$minimum_glibc" | sort -V | tail -n 1)" = "$minimum_glibc"
check "the README documents glibc $minimum_glibc" contains "$root/README.md" "glibc $minimum_glibc"
check "the binary links only glibc, libgcc and libcurl" \
  test -z "$(readelf -d "$binary" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | grep -vE '^(libc|libm|libpthread|libdl|libutil|libgcc_s|libcurl|ld-linux-[a-z0-9-]+)\.so')"

# The job: a workspace with the specs, RUNNER_TEMP with the runner's folders.
workspace="$scratch/work/perfgate/perfgate"
temp="$scratch/_temp"
mkdir -p "$workspace/perf" "$temp/_github_home" "$temp/_github_workflow" "$temp/_runner_file_commands"
echo '{}' > "$temp/_github_workflow/event.json"
spec() {
  # spec NAME VALUE: a one-indicator spec that passes below 10, warns below 20, fails above.
  printf '{"indicators": [{"id": "p95", "source": "static", "query": %s, "grading": {"type": "Threshold", "thresholds": {"upperWarning": 10, "upperSevere": 20}, "metricScore": 2}}], "objectives": {"pass": 2, "warning": 1}}\n' "$2" > "$workspace/perf/$1.json"
}
spec pass 5
spec warning 15
spec fail 50
spec error '{"error": "backend down"}'

# Every declared input, as the runner exports it: INPUT_ + upper case, hyphens kept, the default
# when the step does not give it, empty otherwise.
declared_inputs() {
  "${PERFGATE_PYTHON:-python3}" - "$root/github-actions/action.yml" <<'PY'
import sys, yaml
for name, spec in (yaml.safe_load(open(sys.argv[1]))["inputs"] or {}).items():
    print("INPUT_" + name.replace(" ", "_").upper() + "=" + str(spec.get("default", "") if spec else ""))
PY
}

# run_step NAME=VALUE...: the step's inputs (by their INPUT_ names); runs the container as the runner does.
run_step() {
  local guid
  guid="$(cat /proc/sys/kernel/random/uuid)"
  output="$temp/_runner_file_commands/set_output_$guid"
  env_file="$temp/_runner_file_commands/set_env_$guid"
  summary="$temp/_runner_file_commands/step_summary_$guid"
  : > "$output"
  : > "$env_file"
  : > "$summary"
  local -a variables=()
  local line
  while IFS= read -r line; do variables+=("$line"); done < <(declared_inputs)
  variables+=("$@")
  # The container's environment, with host paths translated to the container's mounts.
  variables+=(
    "HOME=/github/home" "GITHUB_WORKSPACE=/github/workspace" "GITHUB_EVENT_PATH=/github/workflow/event.json"
    "GITHUB_OUTPUT=/github/file_commands/set_output_$guid" "GITHUB_ENV=/github/file_commands/set_env_$guid"
    "GITHUB_STEP_SUMMARY=/github/file_commands/step_summary_$guid" "GITHUB_PATH=/github/file_commands/add_path_$guid"
    "RUNNER_TEMP=/github/runner_temp" "RUNNER_WORKSPACE=$(dirname "$workspace")" "GITHUB_RUN_ID=4242" "GITHUB_RUN_ATTEMPT=1"
    "GITHUB_REPOSITORY=owner/repo" "GITHUB_SHA=0123456789abcdef" "RUNNER_OS=Linux" "GITHUB_ACTIONS=true" "CI=true"
  )
  local -a names=()
  for line in "${variables[@]}"; do names+=(-e "${line%%=*}"); done
  # `-e NAME` only: the values come from the docker CLI's own environment, as on the runner.
  (cd "$workspace" && env -i PATH="$PATH" CONTAINERS_CONF="$CONTAINERS_CONF" "${variables[@]}" \
    podman run --name "perfgate_test_${guid:0:6}" --label 6f1a2b --workdir /github/workspace --rm "${names[@]}" \
      -v "$temp":"/github/runner_temp" -v "$temp/_github_home":"/github/home" -v "$temp/_github_workflow":"/github/workflow" \
      -v "$temp/_runner_file_commands":"/github/file_commands" -v "$workspace":"/github/workspace" \
      "$image") > "$scratch/stdout" 2> "$scratch/stderr"
  status=$?
}

output_value() {
  awk -v name="$1" '$0 ~ "^" name "<<" { getline; value = $0 } END { print value }' "$output"
}

started=$SECONDS
run_step INPUT_COMMAND=mark-start INPUT_START=2024-05-01T12:00:00Z
check "mark-start exits 0" test "$status" -eq 0
check "mark-start exports PERFGATE_START to later steps" contains "$env_file" "PERFGATE_START<<perfgate_"
check "mark-start sets the start output" test "$(output_value start)" = "2024-05-01T12:00:00Z"
check "the window file is in the host workspace" test -s "$workspace/.perfgate/window-github-4242-1.json"

for case in pass:0 warning:0 fail:1 error:2; do
  name="${case%%:*}"
  expected="${case##*:}"
  run_step INPUT_COMMAND=evaluate INPUT_SPEC="perf/$name.json"
  check "evaluate $name exits $expected" test "$status" -eq "$expected"
  [ "$name" = fail ] && check "a failed evaluation says why" contains "$scratch/stdout" "::error title=perfgate::perfgate: result fail (exit 1): the performance gate failed"
  check "evaluate $name sets the result output" test "$(output_value result)" = "$name"
  check "evaluate $name writes the job summary" contains "$summary" "perfgate: $(echo "$name" | tr '[:lower:]' '[:upper:]')"
  for report in json-report junit-report markdown-report html-report; do
    # A later host step starts in the host workspace: the output must name the file from there.
    check "evaluate $name: a later host step opens the $report output" test -s "$workspace/$(output_value "$report")"
  done
done
run_step INPUT_COMMAND=evaluate INPUT_SPEC="perf/warning.json" INPUT_FAIL-ON=warning
check "fail-on warning (INPUT_FAIL-ON, hyphen kept) fails the step" test "$status" -eq 1
run_step INPUT_COMMAND=validate INPUT_SPEC="perf/pass.json"
check "validate exits 0" test "$status" -eq 0
check "validate's spec output opens from the host workspace" test -s "$workspace/$(output_value spec)"
run_step INPUT_COMMAND=evaluate INPUT_SPEC="perf/missing.json"
check "a missing spec exits 65" test "$status" -eq 65
check "the reports are owned by the container's user (root), as on the runner" test "$(stat -c %u "$workspace/.perfgate/perfgate-result.json")" -eq 0
echo "# $((SECONDS - started)) s for the container runs"

# The same image as a service: `podman run IMAGE serve ...` runs perfgate serve (the arguments are
# perfgate's); a published port reaches it, and `podman stop` (SIGTERM) ends it with 0.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
podman run -d --name perfgate_serve_test --label 6f1a2b -p "127.0.0.1:$port:8080" -e PORT=8080 "$image" \
  serve --host 0.0.0.0 --allow-unauthenticated > /dev/null
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break; sleep 0.1; done
check "the image serves /health when given serve" test "$(curl -s "http://127.0.0.1:$port/health")" = '{"status":"UP"}'
body='{"timeStart":1714564800,"timeEnd":1714565400,"perfSpec":{"indicators":[{"id":"p95","source":"static","query":5,"grading":{"type":"Threshold","thresholds":{"upperSevere":20},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}}'
check "the served image answers Pitometer's route" \
  contains <(curl -s -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/api/pitometer") '"result":"pass"'
podman stop -t 20 perfgate_serve_test > /dev/null
check "podman stop (SIGTERM) ends serve with 0" test "$(podman inspect perfgate_serve_test --format '{{.State.ExitCode}}')" -eq 0
check "the service's access log is the container's stdout" contains <(podman logs perfgate_serve_test 2>&1) '"route":"/api/pitometer","status":200'
podman rm -f perfgate_serve_test > /dev/null 2>&1 || true
podman rmi -f "$image" > /dev/null 2>&1 || true
finish
