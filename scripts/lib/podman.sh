# podman for the container tests (sourced): its configuration and a base image without a registry.
# shellcheck shell=bash
# shellcheck source=scripts/lib/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

podman_config() {
  # podman_config FOLDER: podman as a root container in a CI sandbox runs it (containers.conf(5)):
  # runc with cgroupfs, and ulimits within the process's own hard limits. Exports CONTAINERS_CONF.
  local nofile
  nofile="$(ulimit -Hn)"
  [ "$nofile" = unlimited ] && nofile=1048576
  export CONTAINERS_CONF="$1/containers.conf"
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    "$nofile" "$nofile" > "$CONTAINERS_CONF"
}

base_image() {
  # base_image FOLDER: docker.io/library/debian:bookworm-slim without a registry: debootstrap's
  # minbase bookworm, imported once per machine (FOLDER is scratch space). Fails with the log's end.
  podman image exists docker.io/library/debian:bookworm-slim && return 0
  local mirror started=$SECONDS
  mirror="$(debian_mirror)"
  if ! debootstrap --variant=minbase bookworm "$1/rootfs" "$mirror" > "$1/debootstrap.log" 2>&1; then
    tail -n 20 "$1/debootstrap.log"
    return 1
  fi
  chroot "$1/rootfs" apt-get clean
  rm -rf "$1/rootfs/var/lib/apt/lists/"*
  tar -C "$1/rootfs" -c . | podman import -q - localhost/debian:bookworm-slim > /dev/null
  podman tag localhost/debian:bookworm-slim docker.io/library/debian:bookworm-slim
  rm -rf "$1/rootfs"
  echo "# base image made in $((SECONDS - started)) s"
}
