#!/usr/bin/env bash
# Installs what the server's browser tests need, only when missing: Debian's chromium and
# chromium-driver (Selenium is pointed at /usr/bin/chromedriver and never downloads a driver).
# Call it from .ci/run before `mvn verify`: bash server/ci-setup.sh
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "server/ci-setup.sh: chromium and chromium-driver are missing; install them as root:" >&2
  echo "  apt-get update && apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
