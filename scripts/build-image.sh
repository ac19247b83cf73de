#!/usr/bin/env bash
# Builds the rtcbench container image (OCI) from scratch with buildah: no base image and no registry are used.
#
#   scripts/build-image.sh [--output FILE] [--tag NAME] [--binary DIR] [--storage DIR]
#
# The image holds the self-contained single-file rtcbench (published here for this machine's architecture unless
# --binary names a folder with an earlier single-file publish: rtcbench + libe_sqlite3.so), the shared libraries it
# loads copied from this machine (glibc, libstdc++, libgcc_s, OpenSSL 3 — .NET loads libssl/libcrypto at run time —
# with their Debian copyright files), the CA bundle, and a passwd/group with a non-root user `rtcbench` (10001).
# No ICU: rtcbench runs with invariant globalization. Chromium is not in the image, so the `daily` platform is not
# either. Entrypoint `rtcbench`, command `--help`; state (result store, spool) in /var/lib/rtcbench.
#
# The image is committed to buildah's storage as NAME (default localhost/rtcbench:VERSION) and written to FILE
# (default dist/rtcbench-image.tar) as an OCI archive: `podman load -i FILE`, `skopeo copy oci-archive:FILE
# docker://REGISTRY/rtcbench:VERSION`, or push NAME with `buildah push`. --storage DIR keeps buildah's storage in DIR
# (vfs driver) instead of the system's, as the tests do. Needs buildah (Debian: apt-get install buildah) and root.
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
abs() { case "$1" in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }   # paths given are relative to where it was started

output=dist/rtcbench-image.tar
tag=""
binary=""
storage=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output=$(abs "$2"); shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --binary) binary=$(abs "$2"); shift 2 ;;
    --storage) storage=(--root "$(abs "$2")/root" --runroot "$(abs "$2")/run" --storage-driver vfs); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v buildah >/dev/null || { echo "build-image.sh: buildah is not installed (Debian: apt-get install buildah)" >&2; exit 2; }

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "build-image.sh: no .NET runtime identifier for $(uname -m)" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$binary" ]; then
  echo "publishing the single-file rtcbench for $rid" >&2
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  dotnet publish src/RtcBench.Cli -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -o "$work/publish" -v q -nologo >&2
  binary=$work/publish
fi
for f in rtcbench libe_sqlite3.so; do
  [ -f "$binary/$f" ] || { echo "build-image.sh: $binary/$f is missing (a single-file publish has rtcbench and libe_sqlite3.so)" >&2; exit 2; }
done
version=$("$binary/rtcbench" --version | head -n 1)
version=${version%%+*}
[ -n "$tag" ] || tag=localhost/rtcbench:$version

# The root filesystem, staged in a folder and added to the image as one layer.
root=$work/rootfs
mkdir -p "$root"/{usr/local/bin,usr/lib,usr/lib64,usr/share/doc,etc/ssl/certs,var/lib/rtcbench,tmp,proc,sys,dev}
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"
install -m 0755 "$binary/rtcbench" "$binary/libe_sqlite3.so" "$root/usr/local/bin/"

# Shared libraries: what the binary and SQLite link against, and OpenSSL 3, which .NET opens by name at run time.
libs=()
for name in libssl.so.3 libcrypto.so.3; do
  path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64|AArch64/ { print $NF; exit }')
  [ -n "$path" ] || { echo "build-image.sh: $name is not installed here (Debian: libssl3)" >&2; exit 2; }
  libs+=("$path")
done
deps=$( { ldd "$binary/rtcbench"; ldd "$binary/libe_sqlite3.so"; for l in "${libs[@]}"; do ldd "$l"; done; } \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
packages=()
for lib in "${libs[@]}" $deps; do
  real=$(readlink -f "$lib")
  dest=$root$(dirname "$real")/$(basename "$lib")
  mkdir -p "$(dirname "$dest")"
  cp "$real" "$dest"
  # its Debian package, for the copyright file (dpkg knows a file under /lib or /usr/lib, as it was installed)
  packages+=("$( { dpkg -S "$lib" || dpkg -S "$real" || dpkg -S "${real#/usr}"; } 2>/dev/null | head -n 1 | cut -d: -f1)")
done
# The dynamic loader at the path the binaries name (/lib64/ld-linux-x86-64.so.2 on x86-64), as Debian lays it out.
interp=$(ldd "$binary/rtcbench" | awk '$1 ~ /^\// { print $1; exit }')
[ -e "$root$interp" ] || ln -s "$(readlink -f "$interp")" "$root/usr$interp"   # /usr/lib64/ld-linux-x86-64.so.2 -> /usr/lib/x86_64-linux-gnu/…
for p in $(printf '%s\n' "${packages[@]}" ca-certificates | sort -u); do
  [ -n "$p" ] && [ -f "/usr/share/doc/$p/copyright" ] && install -D -m 0644 "/usr/share/doc/$p/copyright" "$root/usr/share/doc/$p/copyright"
done
[ -f /etc/ssl/certs/ca-certificates.crt ] || { echo "build-image.sh: /etc/ssl/certs/ca-certificates.crt is missing (Debian: ca-certificates)" >&2; exit 2; }
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
rtcbench:x:10001:10001:rtcbench:/var/lib/rtcbench:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
rtcbench:x:10001:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chown 10001:10001 "$root/var/lib/rtcbench"

tar -C "$root" --numeric-owner --sort=name -cf "$work/rootfs.tar" .

b() { buildah "${storage[@]}" "$@"; }
ctr=$(b from --name "rtcbench-build-$$" scratch)
trap 'b rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
b add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
b config \
  --entrypoint '["/usr/local/bin/rtcbench"]' --cmd '["--help"]' \
  --user 10001:10001 --workingdir /var/lib/rtcbench \
  --env PATH=/usr/local/bin --env HOME=/var/lib/rtcbench --env RTCBENCH_HOME=/var/lib/rtcbench \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --port 8080/tcp --port 40000/udp --port 8090/tcp \
  --volume /var/lib/rtcbench \
  --label org.opencontainers.image.title=rtcbench \
  --label org.opencontainers.image.description="WebRTC latency benchmark: runner, echo agent and results service in one command" \
  --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.base.name=scratch \
  "$ctr"
b commit --quiet --format oci --rm "$ctr" "$tag" >/dev/null
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$output")"
rm -f "$output"
b push --quiet "$tag" "oci-archive:$output:$tag"
echo "built $tag ($(du -h "$output" | cut -f1), $output)"
