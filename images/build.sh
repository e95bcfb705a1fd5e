#!/usr/bin/env bash
# Builds the local images capstan/pause, capstan/hello and capstan/busybox from Debian's statically linked
# busybox with `docker import` of a rootfs tarball: no registry is reachable, so nothing can be pulled.
#
# An image is rebuilt only when it is missing or its inputs changed: a content hash of this folder and of the
# busybox binary is stored in the image label capstan.build-hash and compared on every run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
busybox=${CAPSTAN_BUSYBOX:-/bin/busybox}
images=(pause hello busybox)
path_env='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

log() { printf 'images: %s\n' "$*"; }
die() {
  printf 'images: error: %s\n' "$*" >&2
  exit 1
}

[[ -x $busybox ]] || die "$busybox is missing: install Debian's busybox-static"

build_hash=$(
  {
    cd "$here" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum <"$busybox"
  } | sha256sum | cut -c1-64
)

image_hash() {
  docker image inspect --format '{{index .Config.Labels "capstan.build-hash"}}' "$1" 2>/dev/null || true
}

# A rootfs with busybox, a link for every applet, and the few files and folders that programs expect.
make_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,proc,sys,dev,home,var/run,var/tmp}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 0700 "$root/root"
  install -m 0755 "$busybox" "$root/bin/busybox"
  while read -r applet; do
    # linuxrc (no folder) is for initramfs boots only.
    if [[ $applet == */* && $applet != bin/busybox ]]; then
      ln -sf /bin/busybox "$root/$applet"
    fi
  done < <("$busybox" --list-full)
  install -m 0644 "$here"/rootfs/etc/* "$root/etc/"
}

import_image() {
  local name=$1 root=$2 ref="capstan/$1:latest" old_id new_id
  local -a changes=(--change "ENV $path_env" --change "LABEL capstan.build-hash=$build_hash")
  case $name in
    pause)
      install -m 0755 "$here/pause/pause.sh" "$root/usr/local/bin/pause"
      changes+=(--change 'ENTRYPOINT ["/usr/local/bin/pause"]')
      ;;
    hello)
      install -m 0755 "$here/hello/hello.sh" "$root/usr/local/bin/hello"
      install -m 0755 "$here/hello/respond.sh" "$root/usr/local/bin/hello-respond"
      changes+=(--change 'ENTRYPOINT ["/usr/local/bin/hello"]' --change 'EXPOSE 80/tcp')
      ;;
    busybox)
      changes+=(--change 'CMD ["sh"]')
      ;;
  esac
  old_id=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -C "$root" -cf - . |
    docker import "${changes[@]}" - "$ref" >/dev/null ||
    die "docker import of $ref failed"
  new_id=$(docker image inspect --format '{{.Id}}' "$ref")
  # The previous build is now untagged; remove it unless a container still uses it.
  if [[ -n $old_id && $old_id != "$new_id" ]]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
  log "built $ref (${new_id:7:12})"
}

stale=()
for name in "${images[@]}"; do
  [[ $(image_hash "capstan/$name:latest") == "$build_hash" ]] || stale+=("$name")
done
if ((${#stale[@]} == 0)); then
  log "capstan/{pause,hello,busybox}:latest up to date"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in "${stale[@]}"; do
  make_rootfs "$work/$name"
  import_image "$name" "$work/$name"
done
