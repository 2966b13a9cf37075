# Shared by the GitHub action's test suites (sourced): counting checks the TAP way.
# shellcheck shell=bash
passed=0
failed=0

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
