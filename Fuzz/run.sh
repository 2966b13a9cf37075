#!/usr/bin/env bash
# perfgate's fuzzing, with libFuzzer and AddressSanitizer.
#   Fuzz/run.sh build                  build the instrumented harness into .build-fuzz/
#   Fuzz/run.sh fuzz TARGET SECONDS    fuzz one target, then merge what it found into Fuzz/Corpus/TARGET
#   Fuzz/run.sh ci [SECONDS]           replay every committed corpus and seed, then fuzz each target for a
#                                      share of SECONDS (default 60 in all); any crash, leak of a signal or
#                                      hang (over 10 s for one input) fails
# Targets: spec-json spec-yaml prometheus dynatrace k6 jtl locust time slo history window retry-after canary json-report
#          evaluate-request influxdb
#          evaluate-request
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/Fuzz"
binary="$root/.build-fuzz/debug/perfgate-fuzz"
targets=(spec-json spec-yaml prometheus dynatrace k6 jtl locust time slo history window retry-after canary json-report evaluate-request influxdb)
# Swift's own crash backtracer would fight ASan for the signal: let ASan report.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
options=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1)

build() {
  swift build --package-path "$fuzz" --scratch-path "$root/.build-fuzz" --product perfgate-fuzz \
    -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
}

run_target() {
  # run_target TARGET SECONDS CORPUS...: libFuzzer over the corpus folders (the first one grows).
  local target="$1" seconds="$2"
  shift 2
  (cd "$(mktemp -d)" && PERFGATE_FUZZ_TARGET="$target" "$binary" "${options[@]}" -max_total_time="$seconds" \
    -artifact_prefix="$fuzz/crashes/$target-" "$@")
}

case "${1:-}" in
  build)
    build
    ;;
  fuzz)
    target="$2"
    seconds="$3"
    work="$(mktemp -d)"
    mkdir -p "$fuzz/crashes" "$fuzz/Corpus/$target"
    run_target "$target" "$seconds" "$work" "$fuzz/Corpus/$target" "$fuzz/Seeds/$target"
    # Keep only inputs that add coverage.
    (cd "$work" && PERFGATE_FUZZ_TARGET="$target" "$binary" -merge=1 "$fuzz/Corpus/$target" "$work" "$fuzz/Seeds/$target" 2>&1 | tail -n 2)
    ;;
  ci)
    seconds="${2:-60}"
    build
    mkdir -p "$fuzz/crashes"
    share=$(( (seconds + ${#targets[@]} - 1) / ${#targets[@]} ))
    for target in "${targets[@]}"; do
      corpus="$(mktemp -d)"
      cp "$fuzz/Seeds/$target/"* "$corpus/" 2>/dev/null || true
      cp "$fuzz/Corpus/$target/"* "$corpus/" 2>/dev/null || true
      echo "fuzz $target: replaying $(find "$corpus" -type f | wc -l) inputs, then ${share}s of mutations" >&2
      log="$(mktemp)"
      if ! run_target "$target" "$share" "$corpus" > "$log" 2>&1; then
        grep -E "ERROR|SUMMARY|Fatal error|Test unit written" "$log" >&2 || tail -n 20 "$log" >&2
        echo "fuzz $target: FAILED (the input is in $fuzz/crashes)" >&2
        exit 1
      fi
      grep -E "^#[0-9]+ *DONE" "$log" >&2 || true
    done
    echo "fuzz: ${#targets[@]} targets replayed and fuzzed, no crash"
    ;;
  *)
    sed -n '2,9p' "$0"
    exit 64
    ;;
esac
