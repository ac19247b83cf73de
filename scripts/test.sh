#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh machine (OS packages via apt-get, NuGet and
# npm packages via restore), runs every test project, and prints one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# OS packages the tests use for real:
# - PostgreSQL server binaries: the store contract suite starts a throwaway cluster with initdb/pg_ctl on a free
#   loopback port;
# - Chromium (Debian `chromium`, used at /usr/bin/chromium): the daily platform's tests drive real headless Chromium
#   the way rtcbench does (PuppeteerSharp over Chromium's pipe); the dashboard, interop and LiveKit client tests drive
#   it with Playwright (NuGet; test projects only). Neither ever downloads a browser: nothing else to install;
# - npm: the build vendors daily-js from the npm registry with `npm ci` (src/RtcBench.Platforms/Daily/web/) and
#   builds the dashboard; the interop tests run libdatachannel and werift from npm in node, the LiveKit tests werift
#   (the stand-in SFU's peer connections) and LiveKit's @livekit/rtc-node (npm ci by their builds);
# - iproute2 (`ip`): the Chromium interop tests run Chromium inside a network namespace they create (needs root);
# - coturn (`turnserver`): the TURN client tests start a real coturn on a free loopback port and relay through it;
# - openssl (the CLI): the DTLS interop tests run `openssl s_server`/`s_client` against our DTLS over loopback UDP;
# - janus (Janus WebRTC Server 1.1.2): the Janus tests start a real Janus with a generated configuration inside a
#   network namespace they create (Janus skips loopback candidates) and connect our stack to its plugins;
# - prometheus (Prometheus 2.42 and promtool) and prometheus-alertmanager (amtool): the deploy tests run a real
#   Prometheus that scrapes /metrics of a live service and agent, `promtool test rules` on the shipped alert rules
#   and `amtool check-config` on the Alertmanager example (they start their own Prometheus on a free port);
# - buildah: the deploy tests build the container image with scripts/build-image.sh (from scratch: no registry, no
#   base image; vfs storage in a temp folder, so neither runc/crun nor fuse-overlayfs is needed) and run its root
#   filesystem in namespaces they create (unshare/nsenter from util-linux); the image takes the CA bundle from
#   ca-certificates.
need=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v ip >/dev/null 2>&1 || need+=(iproute2)   # the Chromium interop tests make their own network namespaces
command -v turnserver >/dev/null 2>&1 || need+=(coturn)   # the TURN client tests run a real coturn on loopback
command -v openssl >/dev/null 2>&1 || need+=(openssl)     # the DTLS interop tests run openssl s_server/s_client
[ -x /usr/bin/janus ] || need+=(janus)   # the Janus tests run a real Janus in a network namespace
command -v promtool >/dev/null 2>&1 || need+=(prometheus)   # the deploy tests: a live Prometheus, promtool
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)   # the deploy tests: amtool check-config
command -v buildah >/dev/null 2>&1 || need+=(buildah)   # the deploy tests build the container image
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)   # the image's CA bundle
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing OS packages the tests need: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
dotnet --info | head -n 3
dotnet restore RtcBench.sln

log=$(mktemp)
set +e
dotnet test RtcBench.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line summing every test project's counts.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "${passed} passed, ${failed} failed"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
