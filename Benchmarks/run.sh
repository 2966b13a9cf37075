#!/usr/bin/env bash
# Builds the static release binary and runs every benchmark: Benchmarks/run.sh [--runs N] [CASE ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps"
swift build --package-path "$root" -c release --static-swift-stdlib --product perfgate >&2
swift build --package-path "$root" -c release --product perfgate-decode-bench >&2
exec python3 "$root/Benchmarks/bench.py" "$@"
