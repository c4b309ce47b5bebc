#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when they are missing:
#   chromium  - the browser the renderer's end-to-end tests drive (Playwright never downloads one here)
#   xvfb      - a virtual display for the Electron end-to-end tests, where an Electron binary exists
#   softhsm2  - a real PKCS#11 token for the smartcard tests
#   opensc    - pkcs11-tool, to inspect and script that token
#   curl, file - the benchmark's baselines (its quick mode runs in the test suite)
#   openssl   - throwaway certificates in the e-RS client's and configuration's tests
#   gcc       - builds the small test-only PKCS#11 shim that gives SoftHSM2 a PIN-try limit
set -euo pipefail

declare -A need=(
  [chromium]=/usr/bin/chromium
  [xvfb]=/usr/bin/xvfb-run
  [softhsm2]=/usr/bin/softhsm2-util
  [opensc]=/usr/bin/pkcs11-tool
  [curl]=/usr/bin/curl
  [file]=/usr/bin/file
  [openssl]=/usr/bin/openssl
  [gcc]=/usr/bin/cc
)
missing=()
for pkg in "${!need[@]}"; do
  [ -x "${need[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-packages: everything the tests need is already installed (${!need[*]})"
  exit 0
fi

echo "install-test-packages: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1; then
  run=(sudo)
else
  echo "install-test-packages: need root to install ${missing[*]}: run 'apt-get install ${missing[*]}' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-test-packages: done"
