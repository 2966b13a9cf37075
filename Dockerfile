# perfgate's container image, used by the GitHub container action (github-actions/action.yml).
#
#   Everything from source (the release workflow, and the action's fallback `image: ../Dockerfile`):
#     docker build -t perfgate .            (or podman build: the defaults of both build this)
#   The runtime from a prebuilt binary, with a context that holds only `perfgate` and `entrypoint.sh`:
#     docker build --target prebuilt -t perfgate -f Dockerfile CONTEXT
#
# No ARG picks a stage (`FROM ${ARG}`): podman's buildah (1.28, Debian 12) reads a stage name given
# as an ARG's default as an image to pull. Each way is a target of its own instead; BuildKit and
# buildah build only the stages the target needs, so the default build never reads CONTEXT/perfgate.

# Build stage: the release binary, with the Swift runtime, libyaml and SQLite linked in (it needs glibc,
# libstdc++ and libcurl at run time). The root package builds from these three alone. It is the
# plain release build, not the portable one of scripts/build-release: the image carries its own
# Debian 12, so it never meets an older glibc, and the portable build's debootstrap would need a
# privileged build and the network.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4-openssl-dev libyaml-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY github-actions/entrypoint.sh /out/entrypoint.sh
RUN swift build -c release --static-swift-stdlib --product perfgate \
 && install -m 0755 -s .build/release/perfgate /out/perfgate

# What the binary links and TLS trust, and libpq, which `serve --store postgres://` loads. No USER (the runner mounts the workspace for root) and no
# WORKDIR (the runner sets /github/workspace), as container actions need.
FROM debian:bookworm-slim AS base
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 ca-certificates libpq5 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENTRYPOINT ["/entrypoint.sh"]

# The runtime from a prebuilt binary: the context holds only `perfgate` and `entrypoint.sh`.
FROM base AS prebuilt
COPY perfgate /usr/local/bin/perfgate
COPY entrypoint.sh /entrypoint.sh
RUN chmod 0755 /usr/local/bin/perfgate /entrypoint.sh

# The runtime from source: the last stage, so that a build with no --target makes it.
FROM base AS runtime
COPY --from=build /out/perfgate /usr/local/bin/perfgate
COPY --from=build /out/entrypoint.sh /entrypoint.sh
RUN chmod 0755 /usr/local/bin/perfgate /entrypoint.sh
