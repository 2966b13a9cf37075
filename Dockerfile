# perfgate's container image, used by the GitHub container action (github-actions/action.yml).
#
#   Everything from source (the release workflow, and the action's fallback `image: ../Dockerfile`):
#     docker build -t perfgate .
#   The runtime from a prebuilt binary, with a context that holds only `perfgate` and `entrypoint.sh`:
#     docker build --build-arg BINARY_FROM=prebuilt --target runtime -t perfgate -f Dockerfile CONTEXT
ARG BINARY_FROM=build

# Build stage: the release binary, with the Swift runtime and libyaml linked in (it needs glibc,
# libstdc++ and libcurl at run time). The root package builds from these three alone.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4-openssl-dev libyaml-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY github-actions/entrypoint.sh /out/entrypoint.sh
RUN swift build -c release --static-swift-stdlib --product perfgate \
 && install -m 0755 -s .build/release/perfgate /out/perfgate

# The same two files, prebuilt: the context holds only them.
FROM scratch AS prebuilt
COPY perfgate entrypoint.sh /out/

FROM ${BINARY_FROM} AS binary

# Runtime stage: what the binary links and TLS trust. No USER (the runner mounts the workspace
# for root) and no WORKDIR (the runner sets /github/workspace), as container actions need.
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --from=binary /out/perfgate /usr/local/bin/perfgate
COPY --from=binary /out/entrypoint.sh /entrypoint.sh
RUN chmod 0755 /usr/local/bin/perfgate /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
