#!/usr/bin/env bash
# Installs redis-server, PostgreSQL and Chromium from Debian's packages when they are
# missing, so the store tests run against real servers and the web page tests in a real
# browser. Tests skip (with a reason) when the binaries are absent, so a machine without
# root (or without apt) still runs everything else.
set -u
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium chromium-driver)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${need[*]} missing and no apt-get; their tests will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "note: ${need[*]} missing and not root; store tests for them will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo -n"
echo "installing ${need[*]} (Debian packages) for the store and browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "note: could not install ${need[*]}; their tests will be skipped" >&2
# The Debian packages start system services; the tests start their own servers.
for service in redis-server postgresql; do
  $SUDO service "$service" stop >/dev/null 2>&1 || true
done
exit 0
