#!/usr/bin/env bash
# Resolves the Apache Kafka broker jars from Maven Central into a cache folder (once; later runs reuse it).
# Usage: infra/kafka/fetch.sh [DEST]   (default: $SMARTSYNC_CACHE/kafka-<version>, SMARTSYNC_CACHE=~/.cache/smartsync)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
dest=${1:-${SMARTSYNC_CACHE:-$HOME/.cache/smartsync}/kafka-$version}
if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi
mkdir -p "$dest"
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dest" >&2
touch "$dest/.complete"
echo "$dest"
