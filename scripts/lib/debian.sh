# Debian's mirror, as this machine's apt has it (sourced by the scripts that debootstrap).
# shellcheck shell=bash

debian_mirror() {
  # debian_mirror: PERFGATE_MIRROR, else the first Debian mirror apt uses (deb822's
  # debian.sources, or the one-line sources.list that debootstrap'd systems have), else
  # deb.debian.org. Never fails: a missing file is no error here, under set -e and pipefail.
  local found=""
  if [ -n "${PERFGATE_MIRROR:-}" ]; then
    echo "$PERFGATE_MIRROR"
    return 0
  fi
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    found="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources || true)"
  fi
  if [ -z "$found" ] && [ -r /etc/apt/sources.list ]; then
    found="$(awk '$1 == "deb" && $2 ~ /^https?:/ { print $2; exit }' /etc/apt/sources.list || true)"
  fi
  echo "${found:-http://deb.debian.org/debian}"
}
