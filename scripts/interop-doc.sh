#!/usr/bin/env bash
# Renders docs/interop.md from the interop test results (artifacts/interop/*.jsonl, or $RTCBENCH_INTEROP_RESULTS):
#   dotnet test tests/RtcBench.Interop.Tests   # as root: Chromium runs in a network namespace
#   scripts/interop-doc.sh
# Needs node (scripts/test.sh installs it). The renderer is scripts/interop-doc.mjs; the hand-written lessons per
# stack are in scripts/interop-lessons.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/interop-doc.mjs "$@"
