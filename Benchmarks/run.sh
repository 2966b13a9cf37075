#!/usr/bin/env bash
# Builds the static release binary and runs every benchmark: Benchmarks/run.sh [--runs N] [CASE ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps"
swift build --package-path "$root" -c release --static-swift-stdlib --product perfgate >&2
# The in-process benchmark is a package of its own (Benchmarks/Package.swift); its binary goes beside perfgate's.
swift build --package-path "$root/Benchmarks" --scratch-path "$root/.build-bench" -c release --product perfgate-decode-bench >&2
cp "$root/.build-bench/release/perfgate-decode-bench" "$root/.build/release/"
exec python3 "$root/Benchmarks/bench.py" "$@"
