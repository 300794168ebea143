#!/usr/bin/env bash
# Installs the system libraries the package links (SQLite, zlib, libxlsxwriter) when they are missing.
# Idempotent and quiet when everything is there already.
set -euo pipefail
need=()
for p in libsqlite3-dev zlib1g-dev libxlsxwriter-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
command -v swift >/dev/null 2>&1 || { [ -x /opt/swift/usr/bin/swift ] && echo "bootstrap: add /opt/swift/usr/bin to PATH" >&2; }
exit 0
