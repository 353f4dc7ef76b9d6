#!/usr/bin/env bash
# Installs the Debian packages the command center needs, only where they are missing.
#   scripts/install-system-deps.sh run    -> redis-server
#   scripts/install-system-deps.sh test   -> redis-server, chromium, chromium-driver (browser tests)
set -euo pipefail
want=(redis-server)
[ "${1:-run}" = "test" ] && want+=(chromium chromium-driver)

missing=()
for pkg in "${want[@]}"; do
  case "$pkg" in
    redis-server) command -v redis-server >/dev/null 2>&1 || missing+=("$pkg") ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing+=("$pkg") ;;
    chromium-driver) command -v chromedriver >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
