# Counting tests, shared by scripts/test and the wrappers' shell suites (sourced). A suite prints
# "ok - NAME" or "not ok - NAME" per check, the TAP way, and ends with one line
# "SUITE: N passed, N failed[, N skipped]", the line CI reads.
# shellcheck shell=bash
passed=0
failed=0
skipped=0

check() {
  # check NAME COMMAND...: runs a check and counts it.
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name"
  fi
}

# shellcheck disable=SC2317  # called through check
contains() { grep -qF -- "$2" "$1"; }

tally() {
  # tally LINE: adds a suite's closing line to the counts; without one, the suite counts as one failure.
  local ok bad skip
  ok="$(sed -n 's/.*: \([0-9]*\) passed.*/\1/p' <<< "$1")"
  bad="$(sed -n 's/.*, \([0-9]*\) failed.*/\1/p' <<< "$1")"
  skip="$(sed -n 's/.*, \([0-9]*\) skipped.*/\1/p' <<< "$1")"
  if [ -z "$ok" ] || [ -z "$bad" ]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + ok))
  failed=$((failed + bad))
  skipped=$((skipped + ${skip:-0}))
}
