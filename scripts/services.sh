#!/usr/bin/env bash
# Private PostgreSQL and Redis for development and tests.
#
#   scripts/services.sh start [postgres] [redis]   start what is needed (idempotent; reuses running ones)
#   scripts/services.sh stop [postgres] [redis]    stop what this script started (never DATABASE_URL/REDIS_URL servers)
#   scripts/services.sh env      print `export DATABASE_URL=...` / `export REDIS_URL=...`
#   scripts/services.sh status   show what is running
#   scripts/services.sh clean    stop, then delete the private data (.data)
#
# DATABASE_URL / REDIS_URL set in the environment win: that service is not started
# (unless the URL is the one this script prints, e.g. after `eval "$(scripts/services.sh env)"`).
# Otherwise a PostgreSQL cluster lives in .data/pg (port SALDO_PG_PORT, default 54329)
# and a Redis in .data/redis (port SALDO_REDIS_PORT, default 63799), both on 127.0.0.1.
# When the default port is taken by something else, the next free port is used, kept
# for later starts (.data/pg.port, .data/redis/port) and reported by `env`.
# Missing binaries are installed with apt-get when running as root; otherwise the
# script says what to install. As root the server runs as the `postgres` user.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${SALDO_DATA_DIR:-$ROOT/.data}"
REDIS_DIR="$DATA_DIR/redis"
PG_DB="saldo"
PG_USER="postgres"

log() { printf '%s\n' "$*" >&2; }
die() { printf 'services.sh: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port DEFAULT EXPLICIT NAME: the port to start on. An explicit port must be free;
# the default may move up to the next free one.
free_port() {
	local port=$1 explicit=$2 name=$3 i
	if [[ -n $explicit ]]; then
		port_open "$explicit" && die "$name: port $explicit (from the environment) is already in use"
		echo "$explicit"
		return
	fi
	for ((i = 0; i < 50; i++)); do
		if ! port_open $((port + i)); then
			echo $((port + i))
			return
		fi
	done
	die "$name: no free port in $port-$((port + 49)); set the port variable"
}

# sq VALUE: VALUE single-quoted for sh.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

lock() {
	# 755 so that the postgres user (when we are root) can reach .data/pg.
	[[ -d $DATA_DIR ]] || install -d -m 755 "$DATA_DIR"
	if command -v flock >/dev/null 2>&1; then
		# The servers started below must not inherit fd 9, or they would hold the lock.
		exec 9>"$DATA_DIR/.services.lock"
		flock 9
	fi
}

# ---------------------------------------------------------------- packages

apt_install() {
	if ! is_root; then
		die "missing $*; install them first, e.g.: sudo apt-get install -y $* (or set DATABASE_URL / REDIS_URL to existing servers)"
	fi
	command -v apt-get >/dev/null 2>&1 || die "missing $* and no apt-get: install them, or set DATABASE_URL / REDIS_URL"
	log "installing $* with apt-get ..."
	# Keep the packages' own services (5432 / 6379) from starting: we run private ones.
	local policy=/usr/sbin/policy-rc.d added=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added=1
	fi
	local rc=0
	{
		DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
	} >"$DATA_DIR/apt.log" 2>&1 || rc=$?
	if ((added)); then rm -f "$policy"; fi
	if ((rc != 0)); then
		tail -n 30 "$DATA_DIR/apt.log" >&2
		die "apt-get install $* failed (full log: $DATA_DIR/apt.log)"
	fi
}

# ---------------------------------------------------------------- PostgreSQL

PG_BIN=""
PG_DIR=""

# pg_find_bin: the highest /usr/lib/postgresql/*/bin (or SALDO_PG_BIN, or initdb on PATH).
pg_find_bin() {
	local want="${1:-}" d
	if [[ -n ${SALDO_PG_BIN:-} ]]; then
		echo "$SALDO_PG_BIN"
		return
	fi
	if [[ -n $want && -x /usr/lib/postgresql/$want/bin/initdb ]]; then
		echo "/usr/lib/postgresql/$want/bin"
		return
	fi
	d=$(for x in /usr/lib/postgresql/*/bin; do [[ -x $x/initdb && -x $x/pg_ctl ]] && echo "$x"; done | sort -V | tail -n 1)
	if [[ -n $d ]]; then
		echo "$d"
		return
	fi
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
	fi
}

# pg_dir: where the cluster lives. As root the server runs as `postgres`, which must be able
# to reach the directory; when the checkout is not reachable (e.g. under /root), use /var/tmp.
pg_dir() {
	if [[ -n ${SALDO_PG_DATA:-} ]]; then
		echo "$SALDO_PG_DATA"
		return
	fi
	local d="$DATA_DIR/pg" probe="$DATA_DIR"
	[[ -d $probe ]] || probe=$(dirname "$probe")
	if is_root && id -u postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$probe" 2>/dev/null; then
		d="/var/tmp/saldo-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
	fi
	echo "$d"
}

# as_pg CMD...: run CMD as the server's owner (postgres when we are root).
as_pg() {
	if is_root; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_running() {
	[[ -f $PG_DIR/PG_VERSION && -n $PG_BIN ]] || return 1
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1
}

# pg_port: the port of the running server (line 4 of postmaster.pid).
pg_port() {
	sed -n 4p "$PG_DIR/postmaster.pid" 2>/dev/null
}

# pg_default_port: SALDO_PG_PORT, else the port used last time, else 54329.
pg_default_port() {
	local p
	p=${SALDO_PG_PORT:-$(cat "$DATA_DIR/pg.port" 2>/dev/null || true)}
	[[ $p =~ ^[0-9]+$ ]] || p=54329
	echo "$p"
}

pg_setup_vars() {
	PG_DIR=$(pg_dir)
	local have=""
	[[ -f $PG_DIR/PG_VERSION ]] && have=$(<"$PG_DIR/PG_VERSION")
	PG_BIN=$(pg_find_bin "$have")
}

pg_start() {
	pg_setup_vars
	if [[ -z $PG_BIN ]]; then
		apt_install postgresql
		pg_setup_vars
		[[ -n $PG_BIN ]] || die "postgresql installed but no initdb found under /usr/lib/postgresql/*/bin"
	fi
	if is_root && ! id -u postgres >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
	fi

	if pg_running; then
		local port
		port=$(pg_port)
		if [[ -n ${SALDO_PG_PORT:-} && ${SALDO_PG_PORT} != "$port" ]]; then
			log "postgres: already running on port $port (SALDO_PG_PORT=$SALDO_PG_PORT ignored until services-stop)"
		else
			log "postgres: running on 127.0.0.1:$port"
		fi
		pg_create_db "$port"
		return
	fi

	# Data directory: private to the server's owner.
	if is_root; then
		install -d -m 700 -o postgres -g postgres "$PG_DIR"
		if [[ $(stat -c %U "$PG_DIR") != postgres ]] || find "$PG_DIR" ! -user postgres -print -quit | grep -q .; then
			chown -R postgres:postgres "$PG_DIR"
		fi
	else
		install -d -m 700 "$PG_DIR"
		if [[ ! -O $PG_DIR ]]; then
			die "postgres: $PG_DIR belongs to $(stat -c %U "$PG_DIR") (made by a root run?); run this as root, or delete it (make clean-data as root)"
		fi
	fi
	chmod 700 "$PG_DIR"

	local ver
	ver=$("$PG_BIN/pg_ctl" --version | sed -E 's/.* ([0-9]+).*/\1/')
	if [[ -f $PG_DIR/PG_VERSION ]]; then
		if [[ $(<"$PG_DIR/PG_VERSION") != "$ver" ]]; then
			die "postgres: $PG_DIR holds a PostgreSQL $(<"$PG_DIR/PG_VERSION") cluster but $PG_BIN is $ver; run make clean-data"
		fi
	else
		# No cluster (or a half-made one): initialise from scratch.
		find "$PG_DIR" -mindepth 1 -delete
		# C collation (fast, byte order) with a UTF-8 ctype, so that ILIKE and lower() fold "MARÍA" to "maría".
		if ! as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U "$PG_USER" -A trust -E UTF8 --lc-collate=C --lc-ctype=C.UTF-8 --no-sync >"$DATA_DIR/initdb.log" 2>&1; then
			cat "$DATA_DIR/initdb.log" >&2
			die "postgres: initdb failed"
		fi
	fi

	local port sockdir
	port=$(free_port "$(pg_default_port)" "${SALDO_PG_PORT:-}" postgres)
	echo "$port" >"$DATA_DIR/pg.port"
	# Unix socket beside the data; paths over ~100 bytes do not fit a socket address, so
	# such checkouts go TCP-only.
	sockdir="$PG_DIR"
	if ((${#PG_DIR} + 20 > 100)); then sockdir=""; fi
	# fsync and friends off: this cluster holds throwaway dev/test data, and tests create many databases.
	if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-p $port -k '$sockdir' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null 2>&1 9>&-; then
		tail -n 20 "$PG_DIR/server.log" >&2 || true
		die "postgres: could not start (log: $PG_DIR/server.log)"
	fi
	log "postgres: started on 127.0.0.1:$port (data $PG_DIR)"
	pg_create_db "$port"
}

pg_create_db() {
	local port=$1 psql="$PG_BIN/psql"
	[[ -x $psql ]] || psql=psql
	local exists
	exists=$("$psql" -X -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
	if [[ $exists != 1 ]]; then
		"$psql" -X -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -c "CREATE DATABASE $PG_DB" >/dev/null
	fi
}

pg_stop() {
	pg_setup_vars
	if pg_running; then
		as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null
		log "postgres: stopped"
	fi
}

pg_url() {
	local port=""
	pg_setup_vars
	if pg_running; then port=$(pg_port); fi
	echo "postgres://$PG_USER@127.0.0.1:${port:-$(pg_default_port)}/$PG_DB?sslmode=disable"
}

# ---------------------------------------------------------------- Redis

redis_pid() {
	local pid
	[[ -f $REDIS_DIR/redis.pid ]] || return 1
	pid=$(<"$REDIS_DIR/redis.pid")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
	grep -q redis "/proc/$pid/comm" 2>/dev/null || ! [[ -d /proc ]] || return 1
	echo "$pid"
}

redis_port() {
	cat "$REDIS_DIR/port" 2>/dev/null
}

# redis_default_port: SALDO_REDIS_PORT, else the port used last time, else 63799.
redis_default_port() {
	local p
	p=${SALDO_REDIS_PORT:-$(redis_port || true)}
	[[ $p =~ ^[0-9]+$ ]] || p=63799
	echo "$p"
}

# redis_ping PORT: Redis answers PONG.
redis_ping() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'PING\r\n' >&3
		IFS= read -r -t 2 reply <&3 || exit 1
		[[ $reply == +PONG* ]]
	) 2>/dev/null
}

redis_start() {
	local pid port i
	if pid=$(redis_pid); then
		port=$(redis_port)
		if [[ -n ${SALDO_REDIS_PORT:-} && ${SALDO_REDIS_PORT} != "$port" ]]; then
			log "redis: already running on port $port (SALDO_REDIS_PORT=$SALDO_REDIS_PORT ignored until services-stop)"
		else
			log "redis: running on 127.0.0.1:$port"
		fi
		return
	fi
	if ! command -v redis-server >/dev/null 2>&1; then
		apt_install redis-server
		command -v redis-server >/dev/null 2>&1 || die "redis-server installed but not on PATH"
	fi
	mkdir -p "$REDIS_DIR"
	rm -f "$REDIS_DIR/redis.pid"
	port=$(free_port "$(redis_default_port)" "${SALDO_REDIS_PORT:-}" redis)
	echo "$port" >"$REDIS_DIR/port"
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
		--dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" >/dev/null 9>&-
	for ((i = 0; i < 100; i++)); do
		if redis_ping "$port"; then
			log "redis: started on 127.0.0.1:$port"
			return
		fi
		sleep 0.1
	done
	tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
	die "redis: did not answer on port $port (log: $REDIS_DIR/redis.log)"
}

redis_stop() {
	local pid i
	pid=$(redis_pid) || return 0
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
	rm -f "$REDIS_DIR/redis.pid"
	log "redis: stopped"
}

redis_url() {
	local port=""
	redis_pid >/dev/null && port=$(redis_port)
	echo "redis://127.0.0.1:${port:-$(redis_default_port)}/0"
}

# ---------------------------------------------------------------- commands

# A URL equal to the one `env` prints for our own server is ours to manage, so that
# start/stop keep working in a shell that has evaluated `env`.
if [[ -n ${DATABASE_URL:-} && ${DATABASE_URL} == "$(pg_url)" ]]; then unset DATABASE_URL; fi
if [[ -n ${REDIS_URL:-} && ${REDIS_URL} == "$(redis_url)" ]]; then unset REDIS_URL; fi

cmd=${1:-}
shift || true
for s in "$@"; do
	[[ $s == postgres || $s == redis ]] || die "unknown service $s (postgres, redis)"
done
# want NAME: NAME was asked for (no names means both).
want() { [[ $# -gt 0 && ($SERVICES == "" || " $SERVICES " == *" $1 "*) ]]; }
SERVICES="$*"

case $cmd in
start)
	lock
	if want postgres && [[ -z ${DATABASE_URL:-} ]]; then pg_start; fi
	if want redis && [[ -z ${REDIS_URL:-} ]]; then redis_start; fi
	;;
stop)
	lock
	if want postgres && [[ -z ${DATABASE_URL:-} ]]; then pg_stop; fi
	if want redis && [[ -z ${REDIS_URL:-} ]]; then redis_stop; fi
	;;
env)
	echo "export DATABASE_URL=$(sq "${DATABASE_URL:-$(pg_url)}")"
	echo "export REDIS_URL=$(sq "${REDIS_URL:-$(redis_url)}")"
	;;
clean)
	lock
	pg_stop
	redis_stop
	pg_setup_vars
	rm -rf "$PG_DIR" "$DATA_DIR"
	log "services: removed $DATA_DIR"
	;;
status)
	if [[ -n ${DATABASE_URL:-} ]]; then
		echo "postgres: external (DATABASE_URL)"
	else
		pg_setup_vars
		if pg_running; then echo "postgres: running on 127.0.0.1:$(pg_port) (data $PG_DIR)"; else echo "postgres: stopped"; fi
	fi
	if [[ -n ${REDIS_URL:-} ]]; then
		echo "redis: external (REDIS_URL)"
	elif pid=$(redis_pid); then
		echo "redis: running on 127.0.0.1:$(redis_port) (pid $pid)"
	else
		echo "redis: stopped"
	fi
	;;
*)
	echo "usage: $0 start|stop|env|status|clean" >&2
	exit 2
	;;
esac
