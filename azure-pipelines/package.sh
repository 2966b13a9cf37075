#!/usr/bin/env bash
# Builds the portable release binary (scripts/build-release), stages the extension in azure-pipelines/dist/ with the binary
# bundled at PerfGateV1/bin/linux-x64/perfgate, and creates the VSIX when tfx is installed.
# Before publishing, set "publisher" in vss-extension.json to your Marketplace publisher id.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dist="$here/dist"
limit=$((25 * 1024 * 1024))

rm -rf "$dist"
mkdir -p "$dist/PerfGateV1/bin/linux-x64"
cp "$here/vss-extension.json" "$here/README.md" "$dist/"
cp "$here/PerfGateV1/task.json" "$here/PerfGateV1/index.js" "$dist/PerfGateV1/"
# The portable binary (glibc 2.17, libcurl 7.61), stripped: self-hosted agents run older systems.
"$root/scripts/build-release" "$dist/PerfGateV1/bin/linux-x64/perfgate" >&2

if command -v tfx >/dev/null 2>&1; then
  (cd "$dist" && tfx extension create --manifest-globs vss-extension.json --output-path "$dist/perfgate.vsix" >&2)
  package="$dist/perfgate.vsix"
else
  # Without tfx, measure what a VSIX (a zip) of the staged files would weigh.
  package="$dist/perfgate-staged.zip"
  (cd "$dist" && python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk("."):
        for name in files:
            if not name.endswith(".zip"):
                z.write(os.path.join(folder, name))' "$package")
  echo "tfx is not installed: staged $dist; install tfx-cli to create the VSIX" >&2
fi
size=$(stat -c %s "$package")
echo "package: $package, $size bytes ($((size / 1024 / 1024)) MiB; limit 25 MiB)"
if [ "$size" -ge "$limit" ]; then
  echo "the package is over the Marketplace's 25 MiB limit" >&2
  exit 1
fi
