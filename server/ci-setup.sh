#!/usr/bin/env bash
# Installs what the server's browser tests need, only when missing: Debian's chromium and
# chromium-driver (Selenium is pointed at /usr/bin/chromedriver and never downloads a driver).
# Call it from .ci/run before `mvn verify`: bash server/ci-setup.sh
# As root it runs apt-get; otherwise through `sudo -n` (passwordless sudo, as on most CI
# runners); if neither works it says what to run and fails.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
packages=(chromium chromium-driver)
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "server/ci-setup.sh: ${packages[*]} are missing and this user cannot install them" >&2
  echo "(not root, and no passwordless sudo). Install them once, then run the tests again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
  echo "(or run the tests without a browser outside CI: the browser tests are skipped when" >&2
  echo "Chromium is missing and CI is not set)." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "server/ci-setup.sh: ${packages[*]} are missing and there is no apt-get; install" >&2
  echo "Chromium and its chromedriver so that /usr/bin/chromium and /usr/bin/chromedriver exist." >&2
  exit 1
fi
echo "server/ci-setup.sh: installing ${packages[*]} with ${as_root[*]:-root} apt-get" >&2
${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
