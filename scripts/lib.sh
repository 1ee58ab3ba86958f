# shellcheck shell=bash disable=SC2016,SC2034,SC2015
# scripts/lib.sh — provisioning helpers shared by scripts/run.sh and scripts/test.sh.
#
# Source it, do not execute it. It starts *private* PostgreSQL and Redis servers from the local
# Debian binaries, on loopback, with their files under a folder of the repository (.data/dev or
# .data/test), installs the Debian packages when they are missing and we run as root, and knows
# how to stop exactly the servers that this shell started (never ones it merely reused).
#
# Debugging knob: BA_SIMULATE_MISSING="postgres redis curl chromium" makes the binary checks behave
# as if those binaries were absent, so that the apt-get install path can be exercised on a machine
# that has them (apt-get then just reports "already the newest version").
#
# Clients: HTTP probes use curl, Redis probes use redis-cli (ba_ensure_curl, ba_ensure_redis_cli,
# ba_ensure_redis_binaries install them); only the bare "is a port open" probe uses bash's /dev/tcp.

BA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  BA_B=$'\e[1m' BA_G=$'\e[32m' BA_Y=$'\e[33m' BA_R=$'\e[31m' BA_C=$'\e[36m' BA_0=$'\e[0m'
else
  BA_B='' BA_G='' BA_Y='' BA_R='' BA_C='' BA_0=''
fi
ba_step() { printf '%s==>%s %s%s%s\n' "$BA_C" "$BA_0" "$BA_B" "$*" "$BA_0"; }
ba_info() { printf '    %s\n' "$*"; }
ba_ok()   { printf '    %s✓%s %s\n' "$BA_G" "$BA_0" "$*"; }
ba_warn() { printf '%s!!  %s%s\n' "$BA_Y" "$*" "$BA_0" >&2; }
ba_die()  { printf '%sERROR: %s%s\n' "$BA_R" "$*" "$BA_0" >&2; exit 1; }

ba_is_root() { [ "$(id -u)" -eq 0 ]; }

# Prints a script's header comment as help text: the comment lines after the #! line, up to the
# first line that is not a comment (or is a "# shellcheck" directive), without the leading "# ".
ba_usage() { # script
  local line n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    if [ "$n" -eq 1 ] && [[ "$line" == '#!'* ]]; then continue; fi
    [[ "$line" == '#'* && "$line" != '# shellcheck'* ]] || break
    line="${line#\#}"; printf '%s\n' "${line# }"
  done <"$1"
}

# ---------------------------------------------------------------------------------------------
# .env loading (KEY=VALUE lines; never executed as shell; the caller's environment wins)
# ---------------------------------------------------------------------------------------------
ba_load_dotenv() {
  local file="$1" line key val n=0
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    line="${line#"${line%%[![:space:]]*}"}"            # trim leading blanks
    case "$line" in ''|'#'*) continue ;; esac
    line="${line#export }"
    key="${line%%=*}"; val="${line#*=}"
    [ "$key" != "$line" ] || continue                   # no '='
    key="${key%"${key##*[![:space:]]}"}"                # trim trailing blanks of the key
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { ba_warn "$file: ignoring line with bad name '$key'"; continue; }
    if [[ "$val" =~ ^\"(.*)\"$ ]] || [[ "$val" =~ ^\'(.*)\'$ ]]; then val="${BASH_REMATCH[1]}"; fi
    if [ -z "${!key+x}" ]; then export "$key=$val"; n=$((n + 1)); fi
  done <"$file"
  ba_info "loaded $n setting(s) from ${file#"$BA_ROOT"/} (variables already set in your shell win)"
}

# ---------------------------------------------------------------------------------------------
# Small network probes
# ---------------------------------------------------------------------------------------------
# Only "does anything accept a TCP connection there?": bash's /dev/tcp, no protocol spoken.
ba_port_open() { # host port -> 0 if something accepts TCP connections there
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# HTTP through curl (ba_ensure_curl installs it). Called inside $(...), so it never installs.
ba_http_status() { # url -> prints the HTTP status code (000 if no answer)
  if ! command -v curl >/dev/null 2>&1; then
    ba_warn "curl is not on PATH (ba_ensure_curl installs it)"; echo 000; return 0
  fi
  curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true
}

# pg_isready semantics: 0 only when the server accepts connections.
# Prints the first port from PREFERRED upwards on which nothing accepts connections on 127.0.0.1
# and that is none of the AVOID ports (e.g. ones this run already handed out). Tries 50 ports.
ba_free_port() { # preferred [avoid...]
  local first="$1" p="$1"; shift
  while ba_port_open 127.0.0.1 "$p" || [[ " $* " == *" $p "* ]]; do
    if [[ " $* " == *" $p "* ]]; then ba_info "port $p is already taken by this run; trying $((p + 1))" >&2
    else ba_warn "port $p is in use by another program; trying $((p + 1))"; fi
    p=$((p + 1)); [ "$p" -lt $(( first + 50 )) ] || ba_die "no free port near $first"
  done
  echo "$p"
}

ba_pg_ping() { # host port
  local isready=""
  if [ -n "${BA_PG_BIN:-}" ] && [ -x "$BA_PG_BIN/pg_isready" ]; then isready="$BA_PG_BIN/pg_isready"
  elif command -v pg_isready >/dev/null 2>&1; then isready="pg_isready"; fi
  if [ -n "$isready" ]; then
    "$isready" -q -h "$1" -p "$2" -t 2 >/dev/null 2>&1
  else
    ba_port_open "$1" "$2"
  fi
}

# PING through redis-cli (ba_ensure_redis_cli / ba_ensure_redis_binaries install it).
ba_redis_ping() { # host port [password] -> 0 when the server answers PONG
  local host="$1" port="$2" pass="${3:-}" cli="${BA_REDIS_CLI:-}" reply
  [ -n "$cli" ] || cli="$(command -v redis-cli 2>/dev/null)" \
    || ba_die "redis-cli is not on PATH (ba_ensure_redis_cli installs it)"
  # The password goes in through the environment (not argv); without one, no AUTH is sent even if
  # the caller's shell has a REDISCLI_AUTH of its own.
  local auth=(env -u REDISCLI_AUTH)
  [ -z "$pass" ] || auth=(env "REDISCLI_AUTH=$pass")
  reply="$("${auth[@]}" timeout 3 "$cli" --no-auth-warning -h "$host" -p "$port" ping 2>/dev/null || true)"
  [ "${reply%$'\r'}" = "PONG" ]
}

# ---------------------------------------------------------------------------------------------
# Parsing the configured connection strings (only to probe them)
# ---------------------------------------------------------------------------------------------
# Npgsql "Host=...;Port=...;..." -> sets BA_CS_HOST BA_CS_PORT
ba_parse_npgsql() {
  local cs="$1" part key val
  BA_CS_HOST="localhost"; BA_CS_PORT=""
  local IFS=';'
  for part in $cs; do
    key="${part%%=*}"; val="${part#*=}"
    key="$(printf '%s' "$key" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
    val="${val#"${val%%[![:space:]]*}"}"; val="${val%"${val##*[![:space:]]}"}"
    case "$key" in
      host|server) BA_CS_HOST="$val" ;;
      port) BA_CS_PORT="$val" ;;
    esac
  done
  BA_CS_HOST="${BA_CS_HOST%%,*}"                        # first of several hosts
  if [[ "$BA_CS_HOST" != /* && "$BA_CS_HOST" == *:* && "$BA_CS_HOST" != *]* ]]; then
    [ -n "$BA_CS_PORT" ] || BA_CS_PORT="${BA_CS_HOST##*:}"
    BA_CS_HOST="${BA_CS_HOST%:*}"
  fi
  BA_CS_PORT="${BA_CS_PORT:-5432}"
}

# StackExchange.Redis "host:port,password=...,..." -> sets BA_CS_HOST BA_CS_PORT BA_CS_PASS
ba_parse_redis() {
  local cs="$1" part ep=""
  BA_CS_PASS=""
  local IFS=','
  for part in $cs; do
    part="${part#"${part%%[![:space:]]*}"}"
    case "$part" in
      password=*) BA_CS_PASS="${part#password=}" ;;
      *=*) ;;
      '') ;;
      *) [ -n "$ep" ] || ep="$part" ;;
    esac
  done
  ep="${ep:-localhost}"
  if [[ "$ep" == *:* ]]; then BA_CS_HOST="${ep%:*}"; BA_CS_PORT="${ep##*:}"; else BA_CS_HOST="$ep"; BA_CS_PORT=6379; fi
}

# ---------------------------------------------------------------------------------------------
# Binaries (installed with apt-get when missing and we are root)
# ---------------------------------------------------------------------------------------------
BA_APT_UPDATED=""
# apt-get update (once per shell), then apt-get install. Not root: dies with the command to run,
# followed by BA_APT_HINT when the caller sets one.
ba_apt_install() { # packages...
  if ! ba_is_root; then
    ba_die "missing: $*. Install it first:  sudo apt-get update && sudo apt-get install -y $*${BA_APT_HINT:+
       $BA_APT_HINT}"
  fi
  command -v apt-get >/dev/null 2>&1 || ba_die "missing $* and this machine has no apt-get; install it by hand"
  ba_step "Installing Debian package(s): $*"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  if [ -z "$BA_APT_UPDATED" ]; then
    apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null || ba_die "apt-get update failed"
    BA_APT_UPDATED=1
  fi
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends --no-upgrade "$@" </dev/null \
    || ba_die "apt-get install $* failed"
}

ba_simulated_missing() { [[ " ${BA_SIMULATE_MISSING:-} " == *" $1 "* ]]; }

# Sets BA_PG_BIN to a folder holding initdb/pg_ctl/postgres/pg_isready of PostgreSQL >= 15.
ba_find_pg_bin() {
  local d best="" bestv=0 v
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then BA_PG_BIN="$PG_BINDIR"; return 0; fi
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] || continue
    v="$(basename "$(dirname "$d")")"; v="${v%%.*}"
    [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 15 ] && [ "$v" -gt "$bestv" ] && { best="$d"; bestv="$v"; }
  done
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    d="$(dirname "$(readlink -f "$(command -v initdb)")")"
    v="$("$d/postgres" --version 2>/dev/null | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 15 ] && best="$d"
  fi
  [ -n "$best" ] || return 1
  BA_PG_BIN="$best"
}

ba_ensure_pg_binaries() {
  local BA_APT_HINT="(or start a Docker engine, or set ConnectionStrings__Postgres / ConnectionStrings__Redis)"
  if ba_simulated_missing postgres || ! ba_find_pg_bin; then
    ba_warn "PostgreSQL (>= 15) server binaries not found"
    ba_apt_install postgresql
    ba_find_pg_bin || ba_die "PostgreSQL binaries still not found after installing 'postgresql'"
  fi
  [ -x "$BA_PG_BIN/pg_isready" ] || ba_die "$BA_PG_BIN/pg_isready missing"
  if ba_is_root; then
    if ! id postgres >/dev/null 2>&1; then
      ba_info "creating the 'postgres' system user (initdb refuses to run as root)"
      useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres || ba_die "useradd postgres failed"
    fi
    BA_PG_USER=postgres
  else
    BA_PG_USER="$(id -un)"
  fi
}

ba_ensure_curl() {
  if ba_simulated_missing curl || ! command -v curl >/dev/null 2>&1; then
    ba_warn "curl not found on PATH"
    ba_apt_install curl
    command -v curl >/dev/null 2>&1 || ba_die "curl still not found after installing 'curl'"
  fi
}

ba_find_redis_bin() {
  local f
  BA_REDIS_SERVER=""; BA_REDIS_CLI=""
  for f in "$(command -v redis-server 2>/dev/null)" /usr/bin/redis-server /usr/local/bin/redis-server; do
    [ -n "$f" ] && [ -x "$f" ] && { BA_REDIS_SERVER="$f"; break; }
  done
  for f in "$(command -v redis-cli 2>/dev/null)" /usr/bin/redis-cli /usr/local/bin/redis-cli; do
    [ -n "$f" ] && [ -x "$f" ] && { BA_REDIS_CLI="$f"; break; }
  done
  [ -n "$BA_REDIS_SERVER" ] && [ -n "$BA_REDIS_CLI" ]
}

# redis-server and redis-cli (Debian: redis-server, which pulls in redis-tools). Sets BA_REDIS_SERVER
# and BA_REDIS_CLI.
ba_ensure_redis_binaries() {
  local BA_APT_HINT="(or start a Docker engine, or set ConnectionStrings__Postgres / ConnectionStrings__Redis)"
  if ba_simulated_missing redis || ! ba_find_redis_bin; then
    ba_warn "redis-server / redis-cli not found"
    ba_apt_install redis-server redis-tools
  fi
  ba_find_redis_bin || ba_die "redis-server / redis-cli still not found after installing 'redis-server redis-tools'"
}

# Only the client (Debian: redis-tools), for probing a Redis that runs elsewhere. Sets BA_REDIS_CLI.
ba_ensure_redis_cli() {
  if ba_simulated_missing redis || ! { ba_find_redis_bin || [ -n "$BA_REDIS_CLI" ]; }; then
    ba_warn "redis-cli not found"
    ba_apt_install redis-tools
    ba_find_redis_bin || [ -n "$BA_REDIS_CLI" ] || ba_die "redis-cli still not found after installing 'redis-tools'"
  fi
}

# Run a command as the PostgreSQL OS user (initdb and pg_ctl refuse root).
ba_as_pg() {
  if ba_is_root; then (cd / && runuser -u "$BA_PG_USER" -- "$@"); else "$@"; fi
}

# ---------------------------------------------------------------------------------------------
# Locking: one provisioning at a time per folder (flock on fd 9; children must not inherit it)
# ---------------------------------------------------------------------------------------------
ba_lock() { # lockfile description
  exec 9>"$1"
  if ! flock -n 9; then
    ba_info "waiting for another $2 to finish (lock: ${1#"$BA_ROOT"/}) ..."
    flock -w "${BA_LOCK_WAIT:-1800}" 9 || ba_die "gave up waiting for ${1#"$BA_ROOT"/}; a process still holds it: $(fuser "$1" 2>/dev/null || echo '?')"
  fi
}
ba_unlock() { exec 9>&-; }

# ---------------------------------------------------------------------------------------------
# Private PostgreSQL
# ---------------------------------------------------------------------------------------------
# Layout under BASE (e.g. .data/dev):  postgres/data (PGDATA)  postgres/run (socket)  postgres/postgres.log
# Servers started here are recorded in BA_STARTED_PG (data dirs) and stopped by ba_stop_started.
BA_STARTED_PG=()
BA_STARTED_REDIS=()
BA_STARTED_COMPOSE=()

ba_pg_pid_alive() { # datadir -> 0 if postmaster.pid names a live postgres process
  local pidfile="$1/postmaster.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(head -n1 "$pidfile" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qa postgres "/proc/$pid/cmdline" 2>/dev/null
}

ba_pg_socket_dir() { # pg-home port -> a socket folder whose socket path fits the 107-byte limit
  local d="$1/run"
  if [ $(( ${#d} + 20 )) -gt 100 ]; then d="/tmp/booking-pg-$(id -u)-$2"; fi
  echo "$d"
}

ba_pg_alt_home() { echo "/var/tmp/booking-assignment-$(printf '%s' "$1" | md5sum | cut -c1-12)/postgres"; }

# Make sure the PostgreSQL user can reach BASE/postgres; fall back to /var/tmp when an ancestor
# of the repository is closed to it (e.g. a clone under /root). Prints the folder to use.
ba_pg_home() { # base
  local home="$1/postgres"
  mkdir -p "$home"
  if ba_is_root; then
    chown "$BA_PG_USER": "$home"; chmod 0755 "$home"
    if ! runuser -u "$BA_PG_USER" -- test -x "$home" -a -w "$home" 2>/dev/null; then
      local alt
      alt="$(ba_pg_alt_home "$1")"
      ba_warn "user $BA_PG_USER cannot reach $home; using $alt instead" >&2
      mkdir -p "$alt"; chown "$BA_PG_USER": "$alt"; chmod 0755 "$alt" "$(dirname "$alt")"
      home="$alt"
    fi
  fi
  echo "$home"
}

ba_pg_initdb() { # home port extra-conf-lines...
  local home="$1" port="$2"; shift 2
  local data="$home/data" tmp="$home/data.initdb.$$" pwfile="$home/.pwfile.$$"
  rm -rf "$home"/data.initdb.* 2>/dev/null || true     # a previous interrupted initdb (we hold the lock)
  ba_info "initdb: new cluster in ${data#"$BA_ROOT"/} (superuser booking / booking)"
  printf 'booking\n' >"$pwfile"
  ba_is_root && chown "$BA_PG_USER": "$pwfile"
  chmod 0600 "$pwfile"
  if ! ba_as_pg "$BA_PG_BIN/initdb" -D "$tmp" -U booking --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$home/initdb.log" 2>&1 9>&-; then
    rm -f "$pwfile"; cat "$home/initdb.log" >&2; rm -rf "$tmp"
    ba_die "initdb failed (log above, also in $home/initdb.log)"
  fi
  rm -f "$pwfile"
  {
    echo ""
    echo "# --- added by scripts/lib.sh ---"
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "max_connections = 300"
    local l; for l in "$@"; do echo "$l"; done
  } >>"$tmp/postgresql.conf"
  mv "$tmp" "$data"                                     # atomic: a folder named data is always complete
}

# Start (or reuse) a private cluster. Sets BA_PG_PORT. mode: dev (keep data) | test (fast, disposable)
ba_pg_private() { # base port mode
  local base="$1" port="$2" mode="$3" home data sock
  home="$(ba_pg_home "$base")"; data="$home/data"
  sock="$(ba_pg_socket_dir "$home" "$port")"
  mkdir -p "$sock"; ba_is_root && chown "$BA_PG_USER": "$sock"
  BA_PG_PORT="$port"

  if ba_pg_ping 127.0.0.1 "$port"; then
    ba_ok "PostgreSQL already answers on 127.0.0.1:$port — reusing it (it will be left running)"
    return 0
  fi
  if ba_pg_pid_alive "$data"; then
    ba_info "PostgreSQL of ${data#"$BA_ROOT"/} is running but not answering yet; waiting ..."
    local i; for i in $(seq 1 60); do
      ba_pg_ping 127.0.0.1 "$port" && { ba_ok "PostgreSQL on 127.0.0.1:$port is up — reusing it"; return 0; }
      ba_pg_pid_alive "$data" || break
      sleep 1
    done
    ba_pg_pid_alive "$data" && ba_die "PostgreSQL (pid $(head -n1 "$data/postmaster.pid")) owns ${data} but does not answer on port $port.
       Look at $home/postgres.log; stop it with:  $(ba_is_root && echo "runuser -u $BA_PG_USER -- ")$BA_PG_BIN/pg_ctl -D $data stop -m fast"
  fi
  if ba_port_open 127.0.0.1 "$port"; then
    ba_die "port $port is taken by a program that is not PostgreSQL; free it or choose another port"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    if [ -e "$data" ] && [ -n "$(ls -A "$data" 2>/dev/null)" ]; then
      ba_die "$data exists but is not a PostgreSQL cluster; move it away"
    fi
    rm -rf "$data"
    if [ "$mode" = test ]; then
      ba_pg_initdb "$home" "$port" "fsync = off" "synchronous_commit = off" "full_page_writes = off"
    else
      ba_pg_initdb "$home" "$port"
    fi
  else
    local have want
    have="$(cat "$data/PG_VERSION")"; want="$("$BA_PG_BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    [ "$have" = "$want" ] || ba_die "${data} was made by PostgreSQL $have but the binaries are $want.
       Delete that folder (its data is lost) or point PG_BINDIR at PostgreSQL $have binaries."
  fi

  ba_info "starting PostgreSQL on 127.0.0.1:$port (log: ${home#"$BA_ROOT"/}/postgres.log)"
  if ! ba_as_pg "$BA_PG_BIN/pg_ctl" -D "$data" -l "$home/postgres.log" -w -t 60 \
        -o "-p $port -k $sock -c listen_addresses=127.0.0.1" start >/dev/null 9>&-; then
    tail -n 30 "$home/postgres.log" >&2 || true
    ba_die "PostgreSQL did not start (log above)"
  fi
  BA_STARTED_PG+=("$data")
  local i; for i in $(seq 1 30); do ba_pg_ping 127.0.0.1 "$port" && break; sleep 1; done
  ba_pg_ping 127.0.0.1 "$port" || ba_die "PostgreSQL started but does not answer on port $port"
  ba_ok "PostgreSQL started on 127.0.0.1:$port"
}

ba_pg_stop_datadir() { # datadir [mode]
  local data="$1" mode="${2:-fast}"
  ba_pg_pid_alive "$data" || return 0
  ba_as_pg "$BA_PG_BIN/pg_ctl" -D "$data" -m "$mode" -w -t 60 stop >/dev/null 2>&1 9>&- \
    || ba_warn "could not stop PostgreSQL of $data"
}

# psql as the booking superuser over TCP
ba_psql() { # port db sql
  PGPASSWORD=booking PGCONNECT_TIMEOUT=5 "$BA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U booking -d "$2" -tAc "$3"
}

ba_pg_ensure_database() { # port dbname
  local exists
  exists="$(ba_psql "$1" postgres "SELECT 1 FROM pg_database WHERE datname = '$2'" 2>/dev/null || true)"
  if [ "$exists" != 1 ]; then
    ba_psql "$1" postgres "CREATE DATABASE \"$2\"" || ba_die "could not create database $2 on port $1"
    ba_info "created database $2"
  fi
}

# ---------------------------------------------------------------------------------------------
# Private Redis
# ---------------------------------------------------------------------------------------------
ba_redis_pid_alive() { # pidfile
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qa redis "/proc/$pid/cmdline" 2>/dev/null
}

# Start (or reuse) a private Redis with its files in BASE/NAME (NAME defaults to "redis"; give each
# server of a run its own). Sets BA_REDIS_PORT. Servers started here are recorded (pidfile) in
# BA_STARTED_REDIS and stopped by ba_stop_started.
ba_redis_private() { # base port [name]
  local dir="$1/${3:-redis}" port="$2"
  mkdir -p "$dir"
  local pidfile="$dir/redis.pid"
  BA_REDIS_PORT="$port"
  if ba_redis_ping 127.0.0.1 "$port"; then
    ba_ok "Redis already answers on 127.0.0.1:$port — reusing it (it will be left running)"
    return 0
  fi
  if ba_redis_pid_alive "$pidfile"; then
    ba_die "Redis (pid $(cat "$pidfile")) of ${dir#"$BA_ROOT"/} is running but does not answer on port $port; stop it: kill $(cat "$pidfile")"
  fi
  if ba_port_open 127.0.0.1 "$port"; then
    ba_die "port $port is taken by a program that is not Redis; free it or choose another port"
  fi
  rm -f "$pidfile"
  ba_info "starting Redis on 127.0.0.1:$port (log: ${dir#"$BA_ROOT"/}/redis.log)"
  # Redis only holds short-lived distributed locks here: no persistence.
  if ! "$BA_REDIS_SERVER" --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$pidfile" \
        --logfile "$dir/redis.log" --dir "$dir" --save '' --appendonly no 9>&-; then
    ba_die "redis-server did not start"
  fi
  local i; for i in $(seq 1 50); do ba_redis_ping 127.0.0.1 "$port" && break; sleep 0.2; done
  if ! ba_redis_ping 127.0.0.1 "$port"; then
    tail -n 20 "$dir/redis.log" >&2 || true
    ba_redis_stop_pidfile "$pidfile"                    # not recorded yet: do not leave it behind
    ba_die "Redis did not answer on port $port (log above)"
  fi
  BA_STARTED_REDIS+=("$pidfile")
  ba_ok "Redis started on 127.0.0.1:$port"
}

ba_redis_stop_pidfile() { # pidfile
  local pid i
  ba_redis_pid_alive "$1" || return 0
  pid="$(cat "$1")"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# Docker compose (only used by run.sh when a Docker engine answers)
# ---------------------------------------------------------------------------------------------
ba_docker_engine() { command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1; }
ba_compose() {
  if docker compose version >/dev/null 2>&1; then docker compose -f "$BA_ROOT/docker-compose.yml" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then docker-compose -f "$BA_ROOT/docker-compose.yml" "$@"
  else ba_die "a Docker engine answers but neither 'docker compose' nor 'docker-compose' is installed"; fi
}

# ---------------------------------------------------------------------------------------------
# Stop everything this shell started (idempotent)
# ---------------------------------------------------------------------------------------------
# Benchmarks: one at a time (.data/bench.lock), a fresh private PostgreSQL with database "booking"
# under <dir> (wiped first); BA_PG_PORT names its port. The caller starts its Redis servers.
ba_bench_postgres() { # dir port description
  mkdir -p "$BA_ROOT/.data"
  ba_lock "$BA_ROOT/.data/bench.lock" "$3"
  ba_ensure_pg_binaries
  ba_ensure_redis_binaries
  rm -rf "$1"; mkdir -p "$1"; chmod 0755 "$BA_ROOT/.data" "$1"
  ba_pg_private "$1" "$2" test
  ba_pg_ensure_database "$BA_PG_PORT" booking
}

# Stops a benchmark's API (its pid in API_PID, if any) and waits for it to exit.
ba_bench_stop_api() {
  [ -z "${API_PID:-}" ] || { kill -TERM "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; }
}

ba_stop_started() {
  local x
  for x in ${BA_STARTED_REDIS[@]+"${BA_STARTED_REDIS[@]}"}; do
    ba_info "stopping Redis ($(dirname "${x#"$BA_ROOT"/}"))"; ba_redis_stop_pidfile "$x"
  done
  BA_STARTED_REDIS=()
  for x in ${BA_STARTED_PG[@]+"${BA_STARTED_PG[@]}"}; do
    ba_info "stopping PostgreSQL (${x#"$BA_ROOT"/})"; ba_pg_stop_datadir "$x" fast
  done
  BA_STARTED_PG=()
  if [ "${#BA_STARTED_COMPOSE[@]}" -gt 0 ]; then
    ba_info "stopping docker compose services: ${BA_STARTED_COMPOSE[*]}"
    ba_compose stop "${BA_STARTED_COMPOSE[@]}" >/dev/null 2>&1 || true
    BA_STARTED_COMPOSE=()
  fi
}
