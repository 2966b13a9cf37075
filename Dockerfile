# perfgate's container image, used by the GitHub container action (github-actions/action.yml).
#   docker build -t ghcr.io/YOUR-ORG/perfgate:1 .
# Build stage: the static release binary (Swift runtime linked in; libcurl and libyaml stay dynamic).
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4-openssl-dev libyaml-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product perfgate \
 && install -m 0755 -s .build/release/perfgate /usr/local/bin/perfgate

# Runtime stage: only what the binary links and TLS trust. No USER (the runner mounts the
# workspace for root) and no WORKDIR (the workspace is mounted over it), as container actions need.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/perfgate /usr/local/bin/perfgate
COPY github-actions/entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
