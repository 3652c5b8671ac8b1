#!/usr/bin/env bash
# Makes the real servers the integration tests start available on a Debian bookworm machine:
#   redis-server      bookworm package, installed with apt (no daemon left running); its redis-tools
#                     dependency brings redis-cli, which forms the Redis Cluster of the failover tests
#   etcd 3.5.x        trixie's etcd-server, unpacked into the cache folder (never installed as a service)
#   etcd 3.4.x        bookworm's etcd-server, unpacked the same way
#   consul 1.8.x      bullseye's consul, unpacked the same way
# ZooKeeper needs nothing: the tests run curator-test's TestingServer in-process.
#
# The cache folder is ${DISTLOCK_SERVERS_HOME:-$HOME/.cache/distlock-servers}; it lives outside the
# repository so fresh clones reuse it. The script writes servers.properties there (kind=absolute
# binary path); the Java side (io.github.distlock.it.servers.ServerBinaries) reads that file.
#
# Idempotent: when everything is present it only looks at a few files and exits (no apt, no network).
# Needs root only when something is missing.
set -euo pipefail

readonly SERVERS_HOME="${DISTLOCK_SERVERS_HOME:-${HOME:?set HOME or DISTLOCK_SERVERS_HOME}/.cache/distlock-servers}"
readonly MANIFEST="$SERVERS_HOME/servers.properties"
readonly ARCHIVE_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# key | package | suite | upstream version prefix the tests are written against | binary inside the package
readonly UNPACKED=(
  "etcd-3.5|etcd-server|trixie|3.5.|usr/bin/etcd"
  "etcd-3.4|etcd-server|bookworm|3.4.|usr/bin/etcd"
  "consul|consul|bullseye|1.8.|usr/bin/consul"
)

log() { printf 'distlock-servers: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

manifest_get() { # key -> value or empty
  [[ -f "$MANIFEST" ]] || return 0
  sed -n "s|^$1=||p" "$MANIFEST" | tail -n 1
}

redis_present() { command -v redis-server >/dev/null 2>&1; }

unpacked_present() { # key
  local bin
  bin="$(manifest_get "$1")"
  [[ -n "$bin" && -x "$bin" ]]
}

missing_unpacked() {
  local entry key
  for entry in "${UNPACKED[@]}"; do
    key="${entry%%|*}"
    unpacked_present "$key" || printf '%s\n' "$entry"
  done
}

write_manifest() {
  local tmp="$MANIFEST.tmp.$$" entry key
  {
    echo "# Written by integration-tests/servers/install.sh; read by the integration tests."
    echo "redis=$(command -v redis-server)"
    for entry in "${UNPACKED[@]}"; do
      key="${entry%%|*}"
      echo "$key=$(manifest_get "$key")"
      echo "$key.version=$(manifest_get "$key.version")"
    done
  } >"$tmp"
  mv -f "$tmp" "$MANIFEST"
}

# ---------------------------------------------------------------------------------------------
# Fast path: nothing to do. Keep this free of apt and network calls.
# ---------------------------------------------------------------------------------------------
if redis_present && [[ -z "$(missing_unpacked)" ]]; then
  # The manifest's redis line may be stale if redis-server moved; rewriting it is cheap.
  [[ "$(manifest_get redis)" == "$(command -v redis-server)" ]] || write_manifest
  log "all servers present in $SERVERS_HOME (redis-server: $(command -v redis-server))"
  exit 0
fi

[[ "$(id -u)" -eq 0 ]] || die "missing servers must be installed as root (apt-get); re-run as root: $0"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || die "apt-get and dpkg-deb are required (Debian bookworm expected)"

mkdir -p "$SERVERS_HOME"
# Two builds running this at once would otherwise race on the same cache folder.
exec 9>"$SERVERS_HOME/.install.lock"
flock -w 600 9 || die "timed out waiting for another install.sh holding $SERVERS_HOME/.install.lock"

WORK="$(mktemp -d)"
CREATED_POLICY_RC=0
cleanup() {
  if [[ "$CREATED_POLICY_RC" -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# redis-server from the machine's own apt sources.
# ---------------------------------------------------------------------------------------------
install_redis() {
  log "installing redis-server with apt-get"
  # Package maintainer scripts start the daemon on port 6379 through invoke-rc.d unless a policy
  # forbids it; the tests start their own servers on free ports and must not meet a stray one.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# Temporary, written by distlock install.sh: forbid service starts during install.\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    CREATED_POLICY_RC=1
  fi
  local pidfile=/run/redis/redis-server.pid had_daemon=0
  [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && had_daemon=1

  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends redis-server || die "apt-get install redis-server failed"

  if [[ "$CREATED_POLICY_RC" -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; CREATED_POLICY_RC=0; fi
  # Belt and braces for machines whose existing policy-rc.d allows starts: stop the packaged
  # daemon by the PID it recorded, and only if it was not running before we started.
  if [[ "$had_daemon" -eq 0 && -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "stopping the redis-server daemon the package started (pid $(cat "$pidfile"))"
    kill "$(cat "$pidfile")" || true
  fi
  redis_present || die "redis-server still not on PATH after apt-get install"
  log "$(redis-server --version)"
}

# ---------------------------------------------------------------------------------------------
# etcd / consul from other Debian suites, downloaded with apt-get download and unpacked.
# ---------------------------------------------------------------------------------------------

# Prints "URI<TAB>Signed-By" of the configured Debian mirror serving bookworm, so another suite is
# fetched from the same mirror the machine already uses (no host name is hard-coded here).
debian_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [[ -f "$f" ]]; then
    awk '
      function flush() {
        if (!found && types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uri != "") {
          print uri "\t" signed; found = 1
        }
        types = ""; suites = ""; uri = ""; signed = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      tolower($1) == "types:"     { $1 = ""; types = $0 " " }
      tolower($1) == "suites:"    { $1 = ""; suites = $0 " " }
      tolower($1) == "uris:"      { uri = $2 }
      tolower($1) == "signed-by:" { signed = $2 }
      END { flush() }
    ' "$f"
    return
  fi
  # One-line format fallback: deb [options] URI bookworm main
  if [[ -f /etc/apt/sources.list ]]; then
    awk '$1 == "deb" { sub(/\[[^]]*\] */, ""); if ($3 == "bookworm") { print $2 "\t"; exit } }' /etc/apt/sources.list
  fi
}

fetch_unpacked() { # newline separated UNPACKED entries
  local entries="$1" mirror uri signed suites entry key pkg suite prefix relbin
  mirror="$(debian_mirror)"
  uri="${mirror%%$'\t'*}"
  signed="${mirror#*$'\t'}"
  [[ -n "$uri" ]] || die "no Debian mirror serving bookworm found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  # bookworm's debian-archive-keyring (2023.3+deb12u2) already holds the bullseye and trixie
  # archive keys, so the signatures are verified with it; no [trusted=yes] is needed.
  [[ -n "$signed" && "$signed" == /* ]] || signed="$ARCHIVE_KEYRING"
  [[ -r "$signed" ]] || die "archive keyring $signed not found (package debian-archive-keyring)"

  suites="$(printf '%s\n' "$entries" | cut -d'|' -f3 | sort -u | tr '\n' ' ')"
  mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial"
  cat >"$WORK/extra.sources" <<EOF
Types: deb
URIs: $uri
Suites: $suites
Components: main
Signed-By: $signed
EOF
  # Private sources, lists and caches: the machine's own apt state is left exactly as it was.
  # Check-Valid-Until=false is harmless for the main archive (its Release files carry no
  # Valid-Until) and keeps things working when the configured mirror is a dated snapshot.
  # Sandbox user root: the download folder is a root-only mktemp folder the _apt user cannot write.
  local apt_opts=(
    -o "Dir::Etc::sourcelist=$WORK/extra.sources"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$WORK/lists"
    -o "Dir::Cache=$WORK/cache"
    -o "Acquire::Check-Valid-Until=false"
    -o "APT::Sandbox::User=root"
  )
  log "fetching package lists for: $suites(from $uri)"
  apt-get -q "${apt_opts[@]}" update >"$WORK/update.log" 2>&1 \
    || { cat "$WORK/update.log" >&2; die "apt-get update of the $suites suites failed"; }

  while IFS='|' read -r key pkg suite prefix relbin; do
    [[ -n "$key" ]] || continue
    local dl="$WORK/dl-$key" deb version upstream dest bin
    mkdir -p "$dl"
    log "downloading $pkg from $suite"
    # </dev/null everywhere in this loop: its stdin is the list being iterated.
    (cd "$dl" && apt-get -q "${apt_opts[@]}" download "$pkg/$suite") </dev/null >"$dl.log" 2>&1 \
      || { cat "$dl.log" >&2; die "apt-get download $pkg/$suite failed"; }
    deb="$(ls "$dl"/*.deb)"
    version="$(dpkg-deb -f "$deb" Version)"
    # 1:3.5.16+dfsg-4+b1 -> 3.5.16
    upstream="$(printf '%s' "$version" | sed -E 's/^[0-9]+://; s/[-+~].*$//')"
    [[ "$upstream" == "$prefix"* ]] || die "$pkg in $suite is $version, expected ${prefix}x"
    dest="$SERVERS_HOME/${key%%-*}-$upstream"
    rm -rf "$dest.partial"
    dpkg-deb -x "$deb" "$dest.partial"
    bin="$dest.partial/$relbin"
    [[ -x "$bin" ]] || die "$relbin not found in $deb"
    # Proves the foreign-suite binary runs on this machine before the tests depend on it.
    local out
    if [[ "$key" == consul ]]; then out="$("$bin" version 2>&1 </dev/null)"; else out="$("$bin" --version 2>&1 </dev/null)"; fi
    grep -qF "$upstream" <<<"$out" || die "$bin does not run here or reports another version: $out"
    rm -rf "$dest"
    mv "$dest.partial" "$dest"
    # Record immediately so a later failure does not force this package to be fetched again.
    local tmp="$MANIFEST.tmp.$$"
    { [[ -f "$MANIFEST" ]] && grep -v -e "^$key=" -e "^$key\.version=" "$MANIFEST" || true
      echo "$key=$dest/$relbin"; echo "$key.version=$upstream"; } >"$tmp"
    mv -f "$tmp" "$MANIFEST"
    log "$key $upstream -> $dest/$relbin"
  done <<<"$entries"
}

start=$SECONDS
redis_present || install_redis
missing="$(missing_unpacked)"
[[ -z "$missing" ]] || fetch_unpacked "$missing"
write_manifest
log "done in $((SECONDS - start))s; binaries listed in $MANIFEST"
