#!/usr/bin/env bash
# Runs a command in an unpacked image root filesystem the way a container runtime would, without one (podman's
# crun cannot run here): new mount and PID namespaces, a network namespace (a fresh one with loopback up, or the
# named one from `ip netns add`), /proc, a minimal /dev and /sys mounted in, then root, working directory, user and
# group switched to the image's and the command run with exactly the given environment. Needs root.
#
#   run-in-rootfs.sh --rootfs DIR --user UID:GID --workdir DIR [--netns NAME] [--env K=V]... -- COMMAND [ARG]...
set -euo pipefail

if [ "${1:-}" = --inside ]; then
  # In the new mount and PID namespaces (PID 1 here): mount what a runtime mounts, then enter the root.
  shift
  rootfs=$1 uid=$2 gid=$3 workdir=$4 fresh_net=$5
  shift 5
  mount --make-rprivate /
  [ "$fresh_net" = 1 ] && ip link set lo up
  mount -t proc proc "$rootfs/proc"
  mount -t tmpfs -o mode=0755,nosuid tmpfs "$rootfs/dev"
  for node in null zero full random urandom tty; do
    touch "$rootfs/dev/$node"
    mount --bind "/dev/$node" "$rootfs/dev/$node"
  done
  ln -s /proc/self/fd "$rootfs/dev/fd"
  ln -s /proc/self/fd/0 "$rootfs/dev/stdin"
  ln -s /proc/self/fd/1 "$rootfs/dev/stdout"
  ln -s /proc/self/fd/2 "$rootfs/dev/stderr"
  mount --rbind /sys "$rootfs/sys"
  mount -o remount,bind,ro "$rootfs/sys"
  envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  exec env -i "${envs[@]}" /usr/bin/unshare --root="$rootfs" --wd="$workdir" --setuid "$uid" --setgid "$gid" -- "$@"
fi

rootfs="" user="" workdir=/ netns="" envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rootfs) rootfs=$(readlink -f "$2"); shift 2 ;;
    --user) user=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --netns) netns=$2; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "run-in-rootfs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$rootfs" ] && [ -n "$user" ] && [ $# -gt 0 ] || { echo "run-in-rootfs.sh: need --rootfs, --user and a command" >&2; exit 2; }
uid=${user%%:*}
gid=${user#*:}
[ "$gid" != "$user" ] || gid=$uid
self=$(readlink -f "$0")
if [ -n "$netns" ]; then
  exec nsenter --net="/run/netns/$netns" unshare --mount --pid --fork --kill-child \
    bash "$self" --inside "$rootfs" "$uid" "$gid" "$workdir" 0 "${envs[@]}" -- "$@"
fi
exec unshare --mount --pid --net --fork --kill-child \
  bash "$self" --inside "$rootfs" "$uid" "$gid" "$workdir" 1 "${envs[@]}" -- "$@"
