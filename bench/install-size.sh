#!/usr/bin/env bash
# Size and start-up of two published rtcbench folders (bench/README.md, "install-size").
#
#   bench/install-size.sh BEFORE_DIR AFTER_DIR [ROUNDS]
#
# Size: `du -sh` of each folder and of its largest parts. Start-up: `rtcbench --version` run ROUNDS times (default
# 21) from each folder, interleaved (before, after, before, …) so both see the same machine load; prints the median
# and range of each and the ratio of medians. Wall time per start, measured with date +%s%N around the process.
set -euo pipefail
before=${1:?usage: bench/install-size.sh BEFORE_DIR AFTER_DIR [ROUNDS]}
after=${2:?usage: bench/install-size.sh BEFORE_DIR AFTER_DIR [ROUNDS]}
rounds=${3:-21}

for dir in "$before" "$after"; do
  [ -x "$dir/rtcbench" ] || { echo "install-size: $dir/rtcbench is missing or not executable" >&2; exit 1; }
  echo "## $dir"
  echo "- total: $(du -sh "$dir" | cut -f1) in $(find "$dir" -type f | wc -l) files"
  for part in .playwright runtimes daily-web; do
    [ -e "$dir/$part" ] && echo "- $part: $(du -sh "$dir/$part" | cut -f1)"
  done
  [ -d "$dir/runtimes" ] && echo "- runtime identifiers under runtimes/: $(find "$dir/runtimes" -mindepth 1 -maxdepth 1 -type d | wc -l)"
  echo "- version: $("$dir/rtcbench" --version)"
done

tb=(); ta=()
for _ in $(seq "$rounds"); do
  s=$(date +%s%N); "$before/rtcbench" --version >/dev/null; e=$(date +%s%N); tb+=($(( (e - s) / 1000000 )))
  s=$(date +%s%N); "$after/rtcbench" --version >/dev/null; e=$(date +%s%N); ta+=($(( (e - s) / 1000000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
range() { printf '%s\n' "$@" | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {print lo "–" hi}'; }
mb=$(median "${tb[@]}"); ma=$(median "${ta[@]}")
echo "## start-up: rtcbench --version, $rounds interleaved rounds, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "- before: median $mb ms (range $(range "${tb[@]}") ms)"
echo "- after:  median $ma ms (range $(range "${ta[@]}") ms)"
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "- after / before (medians): %.2f\n", a / b}'
