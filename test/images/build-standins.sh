#!/usr/bin/env bash
# Builds offline stand-ins for the images the deck uses (list: test/images/standins.json) and
# pushes the Docker Hub ones into the local registry (test/setup/registry.sh), so that the
# deck's `docker pull alpine` is answered by the engine's registry mirror.
#
#   bash test/images/build-standins.sh            build what is missing or out of date, push
#   bash test/images/build-standins.sh --force    rebuild our stand-ins even if up to date
#   bash test/images/build-standins.sh --remove   remove the tags that carry our stand-in label
#
# Rules that keep the engine's own images safe:
# - a tag that exists without our label (a real image) is never rebuilt, retagged or removed;
# - --remove only untags images carrying the label org.docker-demo.standin=true.
# Up to date means: the tag carries our label and the hash of this script, test/images/ and
# the Debian packages the files come from (label org.docker-demo.standin.inputs).
#
# Needs: docker (engine running), jq, curl, and the Debian packages busybox-static,
# bash-static, tar, etcd-server, etcd-client, python3.11 (for the files copied into images).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../setup/lib.sh"

LIST=${DEMO_STANDIN_LIST:-$HERE/standins.json}
WORK=${DEMO_STANDIN_WORK:-$DEMO_CI_STATE_DIR/standins}
# The classic builder uses a local FROM as is and never asks a registry; BuildKit may.
export DOCKER_BUILDKIT=0
SOURCE_PACKAGES=(busybox-static bash-static tar etcd-server etcd-client
  python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libc6)

mode=build
for arg in "$@"; do
  case $arg in
    --force) mode=force ;;
    --remove) mode=remove ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (expected --force or --remove)" ;;
  esac
done

for tool in docker jq curl; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run .ci/run's apt-get line or install it"
done
docker_answers || die "the Docker engine does not answer; start it: bash test/setup/dockerd.sh"

LABEL=$(jq -r .label "$LIST")
mapfile -t REFS < <(jq -r '.images[].ref' "$LIST")
field() { jq -r --arg ref "$1" --arg f "$2" '.images[] | select(.ref == $ref) | .[$f] // empty' "$LIST"; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null; }
image_label() { docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null; }
is_standin() { [ "$(image_label "$1" "$LABEL")" = true ]; }

# Everything an image's content depends on. File modes count: the scripts must stay executable.
inputs_hash() {
  {
    cat "$0" "$HERE/../setup/lib.sh"
    (cd "$HERE" && find . -type f ! -name '*.md' -printf '%m %p\n' | LC_ALL=C sort)
    (cd "$HERE" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    dpkg-query -W "${SOURCE_PACKAGES[@]}"
  } | sha256sum | cut -c1-16
}

# ---------------------------------------------------------------------------------------------
# Artifacts: tar files of host binaries that the Dockerfiles ADD. Written with fixed order,
# owners and times so that identical inputs give identical layers (python, dynamodb-local and
# aws-cli then share the python runtime layer).

pack() { # pack <dir> <out.tar>
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .
}

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

# copy_with_libs <root> <file>...: copies each file to the same path under <root>, plus every
# shared library (and the loader) that ldd says an ELF file among them needs.
copy_with_libs() {
  local root=$1 f lib; shift
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
    is_elf "$f" || continue
    for lib in $(ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^\t\/lib/ {print $1}'); do
      [ -e "$root$lib" ] && continue
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
}

make_busybox_rootfs() { # the common base: busybox with every applet linked, like alpine's /bin
  local d=$1/busybox-rootfs applet
  rm -rf "$d"; mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,var/tmp,home}
  chmod 1777 "$d/tmp" "$d/var/tmp"; chmod 700 "$d/root"
  cp /usr/bin/busybox "$d/bin/busybox"
  for applet in $(/usr/bin/busybox --list-full); do
    [ -e "$d/$applet" ] || ln -s /bin/busybox "$d/$applet"
  done
  cp -r "$HERE/base/." "$d/"
  pack "$d" "$1/busybox-rootfs.tar"
}

make_ubuntu_extras() { # bash as /bin/bash, GNU tar (tar --strip 1) replacing busybox's applet
  local d=$1/ubuntu-extras
  rm -rf "$d"; mkdir -p "$d/bin"
  cp /usr/bin/bash-static "$d/bin/bash"
  copy_with_libs "$d" /bin/tar
  pack "$d" "$1/ubuntu-extras.tar"
}

make_etcd() {
  local d=$1/etcd
  rm -rf "$d"; mkdir -p "$d/usr/local/bin" "$d/var/etcd"
  copy_with_libs "$d" /usr/bin/etcd /usr/bin/etcdctl
  mv "$d/usr/bin/etcd" "$d/usr/bin/etcdctl" "$d/usr/local/bin/"
  pack "$d" "$1/etcd.tar"
}

# Debian's CPython: exactly the files of its packages (not whatever else is installed under
# /usr/lib/python3.11), minus tests and GUI/dev parts, byte-compiled with hash-based .pyc so the
# image never writes __pycache__ into a container's layer.
make_python_runtime() {
  local d=$1/python-runtime files
  rm -rf "$d"; mkdir -p "$d"
  mapfile -t files < <(dpkg -L python3.11-minimal libpython3.11-minimal libpython3.11-stdlib |
    grep -E '^/usr/(bin/python3\.11$|lib/python3\.11/)' |
    grep -vE '/python3\.11/(test|idlelib|tkinter|turtledemo|ensurepip|lib2to3|distutils|venv|pydoc_data|config-[^/]*)/' |
    grep -vE '/lib-dynload/(_test|_xx|xx|_ctypes_test)' |
    while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && echo "$f"; done)
  [ "${#files[@]}" -gt 100 ] || die "python3.11 files not found; install: apt-get install -y --no-install-recommends python3.11"
  copy_with_libs "$d" "${files[@]}"
  ln -s python3.11 "$d/usr/bin/python3"
  /usr/bin/python3.11 -m compileall -q -j 0 --invalidation-mode unchecked-hash \
    -s "$d" -p / "$d/usr/lib/python3.11" >/dev/null
  pack "$d" "$1/python-runtime.tar"
}

artifacts_dir() { # builds the artifacts once per inputs hash; prints their directory
  local dir=$WORK/artifacts-$1 name
  if [ ! -f "$dir/done" ]; then
    rm -rf "$WORK"/artifacts-*; mkdir -p "$dir"
    log "preparing root file systems from host packages in $dir"
    for name in busybox_rootfs ubuntu_extras etcd python_runtime; do "make_$name" "$dir"; done
    touch "$dir/done"
  fi
  echo "$dir"
}

# ---------------------------------------------------------------------------------------------

build_one() { # build_one <ref> <hash> <artifacts dir>
  local ref=$1 hash=$2 art=$3 ctx_name ctx tarball old_id out
  ctx_name=$(field "$ref" context)
  ctx=$WORK/context/$ctx_name
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -a "$HERE/$ctx_name/." "$ctx/"
  for tarball in $(awk '/^ADD [^ ]+\.tar / {print $2}' "$ctx/Dockerfile"); do
    ln "$art/$tarball" "$ctx/$tarball" 2>/dev/null || cp "$art/$tarball" "$ctx/$tarball"
  done
  old_id=$(image_id "$ref" || true)
  log "building $ref"
  # Quiet unless it fails: the classic builder prints a deprecation notice on every build.
  if ! out=$(docker build -q -t "$ref" \
      --label "$LABEL=true" \
      --label "$LABEL.inputs=$hash" \
      --label "org.opencontainers.image.description=$(field "$ref" description)" \
      "$ctx" 2>&1); then
    printf '%s\n' "$out" >&2
    die "docker build of $ref failed (context $ctx)"
  fi
  # The stand-in we replaced is now untagged; drop it unless something still uses it.
  if [ -n "$old_id" ] && [ "$old_id" != "$(image_id "$ref")" ] &&
     [ "$(docker image inspect --format '{{len .RepoTags}}' "$old_id" 2>/dev/null)" = 0 ]; then
    docker image rm "$old_id" >/dev/null 2>&1 || true
  fi
}

registry_answers() { curl -fs -o /dev/null --max-time 2 "http://$DEMO_REGISTRY_ADDR/v2/"; }

push_one() { # push_one <ref> <mirror ref>: skipped when the registry already holds this image
  local ref=$1 mirror=$2 path tag remote
  path=${mirror#*/}; tag=${path##*:}; path=${path%:*}
  remote=$(curl -fs --max-time 5 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$DEMO_REGISTRY_ADDR/v2/$path/manifests/$tag" | jq -r '.config.digest // empty' 2>/dev/null || true)
  if [ "$remote" = "$(image_id "$ref")" ]; then
    return 0
  fi
  log "pushing $ref to the local registry as $mirror"
  docker tag "$ref" "$mirror"
  # Untag even when the push fails: the registry name must not linger in `docker image ls`.
  docker push "$mirror" >/dev/null || { docker image rm "$mirror" >/dev/null; die "push of $mirror failed"; }
  docker image rm "$mirror" >/dev/null
}

remove_all() {
  local ref
  for ref in "${REFS[@]}"; do
    if ! image_id "$ref" >/dev/null; then continue; fi
    if ! is_standin "$ref"; then
      log "keeping $ref: it is not a stand-in (no $LABEL=true label)"
      continue
    fi
    if docker image rm "$ref" >/dev/null; then log "removed $ref"; else log "could not remove $ref (in use?)"; fi
  done
  docker image prune -f --filter "label=$LABEL=true" >/dev/null
}

build_all() {
  local hash ref art='' started=$SECONDS mirror
  hash=$(inputs_hash)
  for ref in "${REFS[@]}"; do
    if image_id "$ref" >/dev/null; then
      if ! is_standin "$ref"; then
        log "keeping $ref: the engine already has this image and it is not a stand-in"
        continue
      fi
      if [ "$mode" != force ] && [ "$(image_label "$ref" "$LABEL.inputs")" = "$hash" ]; then
        continue
      fi
    fi
    [ -n "$art" ] || art=$(artifacts_dir "$hash")
    build_one "$ref" "$hash" "$art"
  done

  if registry_answers; then
    for ref in "${REFS[@]}"; do
      mirror=$(field "$ref" mirror)
      [ -n "$mirror" ] && is_standin "$ref" && push_one "$ref" "$mirror"
    done
  else
    log "warning: no registry at $DEMO_REGISTRY_ADDR (start it: bash test/setup/registry.sh);" \
      "stand-ins were not pushed, so 'docker pull' of them will not be served offline"
  fi
  log "stand-ins ready in $((SECONDS - started)) s: ${REFS[*]}"
}

mkdir -p "$WORK"
if [ "$mode" = remove ]; then remove_all; else build_all; fi
