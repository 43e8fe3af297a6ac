#!/usr/bin/env bash
# Test services for the MySQL and S3 tests: a private MariaDB server and an s3rver, no systemd, no Docker.
#
#   eval "$(scripts/test-services.sh start)"   installs what is missing, starts both, prints the variables
#   scripts/test-services.sh env                prints the variables of the running services again
#   scripts/test-services.sh stop               stops both cleanly (the data folders stay)
#   scripts/test-services.sh status             says what runs
#
# Everything lives in $FACEMASK_SERVICES_DIR (default: .services/ in the repository root): the MariaDB
# datadir, socket and logs, the s3rver package and its data, and state.env with the ports and the generated
# password. Nothing is written elsewhere apart from the Debian package when MariaDB is not installed.
# `start` on running services only prints their variables again; `start` after `stop` reuses the data.
# Only `export X=...` lines go to stdout; progress and timings go to stderr.
#
# Variables printed (read by the tests):
#   FACEMASK_TEST_MYSQL           MySqlConnector connection string of user `facemask` (password generated
#                                 at first start), default database `facemask`; the user may create and drop
#                                 databases (tests create their own, randomly named)
#   FACEMASK_TEST_MYSQL_SOCKET    the server's unix socket (admin as OS root: mariadb --socket=... -uroot)
#   FACEMASK_TEST_S3_URL          s3rver endpoint, http://127.0.0.1:PORT (use path-style addressing)
#   FACEMASK_TEST_S3_ACCESS_KEY   / FACEMASK_TEST_S3_SECRET_KEY   s3rver's fixed credentials
#   FACEMASK_TEST_S3_REGION       us-east-1
#   FACEMASK_TEST_S3_BUCKET       a bucket created at start (tests may create more)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${FACEMASK_SERVICES_DIR:-$repo/.services}"
state="$root/state.env"
db_dir="$root/mariadb"
s3_dir="$root/s3rver"
s3rver_version="3.7.1"
bucket="facemask-test"

log() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# A pid from state.env counts only while it is still our program (pids get reused after a reboot).
ours() { pid_alive "${1:-}" && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"; }

port_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# A port outside the kernel's ephemeral range (32768-60999 here), so it cannot collide with client sockets.
pick_port() {
    local port tries=0
    while [ $tries -lt 50 ]; do
        port=$((20000 + RANDOM % 12000))
        if ! port_listening "$port"; then echo "$port"; return 0; fi
        tries=$((tries + 1))
    done
    log "no free port found between 20000 and 32000"; return 1
}

load_state() {
    MYSQL_PORT="" MYSQL_PASSWORD="" MYSQL_PID="" S3_PORT="" S3_PID=""
    # shellcheck disable=SC1090
    [ -f "$state" ] && . "$state"
    return 0
}

save_state() {
    umask 077
    cat > "$state" <<EOF
MYSQL_PORT=$MYSQL_PORT
MYSQL_PASSWORD=$MYSQL_PASSWORD
MYSQL_PID=$MYSQL_PID
S3_PORT=$S3_PORT
S3_PID=$S3_PID
EOF
}

sock() { echo "$db_dir/mysqld.sock"; }

mysql_ready() { mariadb-admin --no-defaults --socket="$(sock)" -uroot --connect-timeout=1 ping >/dev/null 2>&1; }

s3_ready() { (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null; }

install_mariadb() {
    command -v mariadbd >/dev/null && command -v mariadb >/dev/null && return 0
    local t; t=$(now)
    log "installing mariadb-server (apt-get)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends mariadb-server mariadb-client >&2
    log "installed MariaDB in $(since "$t") s"
}

install_s3rver() {
    if [ -f "$s3_dir/node_modules/s3rver/package.json" ]; then
        node "$repo/scripts/s3rver-patch.js" "$s3_dir/node_modules/s3rver" >/dev/null   # idempotent
        return 0
    fi
    local t; t=$(now)
    if ! command -v npm >/dev/null; then
        log "installing nodejs and npm (apt-get)..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends nodejs npm >&2
    fi
    log "installing s3rver $s3rver_version (npm)..."
    mkdir -p "$s3_dir"
    # The exact version is pinned; its own package.json keeps npm from walking up into the repository.
    printf '{ "name": "facemask-test-s3rver", "private": true }\n' > "$s3_dir/package.json"
    (cd "$s3_dir" && npm install --no-audit --no-fund --no-update-notifier --save-exact --loglevel=error \
        "s3rver@$s3rver_version" >&2)
    node "$repo/scripts/s3rver-patch.js" "$s3_dir/node_modules/s3rver" >&2
    log "installed s3rver in $(since "$t") s"
}

start_mariadb() {
    if ours "$MYSQL_PID" mariadbd && mysql_ready; then return 0; fi
    local sock_path; sock_path="$(sock)"
    if [ ${#sock_path} -gt 100 ]; then
        log "socket path too long (${#sock_path} > 100 chars): set FACEMASK_SERVICES_DIR to a shorter folder"; return 1
    fi
    mkdir -p "$db_dir"
    if [ ! -d "$db_dir/data/mysql" ]; then
        local t; t=$(now)
        rm -rf "$db_dir/data"
        mariadb-install-db --no-defaults --user=root --datadir="$db_dir/data" --skip-test-db \
            --auth-root-authentication-method=socket --innodb-log-file-size=16M > "$db_dir/install-db.log" 2>&1 \
            || { cat "$db_dir/install-db.log" >&2; return 1; }
        log "initialised the MariaDB datadir in $(since "$t") s"
    fi
    local attempt t; t=$(now)
    for attempt in 1 2 3 4 5; do
        MYSQL_PORT=$(pick_port)
        rm -f "$sock_path"
        mariadbd --no-defaults --user=root \
            --datadir="$db_dir/data" --socket="$sock_path" --pid-file="$db_dir/mysqld.pid" \
            --port="$MYSQL_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
            --log-error="$db_dir/error.log" \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
            --innodb-buffer-pool-size=128M --innodb-log-file-size=16M \
            --innodb-flush-log-at-trx-commit=2 --skip-log-bin --max-connections=500 \
            > "$db_dir/mariadbd.out" 2>&1 < /dev/null &
        MYSQL_PID=$!
        disown "$MYSQL_PID" 2>/dev/null || true
        local deadline=$((SECONDS + 60))
        while ! mysql_ready; do
            if ! pid_alive "$MYSQL_PID"; then break; fi
            if [ $SECONDS -ge $deadline ]; then
                log "MariaDB did not answer within 60 s; $db_dir/error.log:"; tail -n 30 "$db_dir/error.log" >&2
                kill "$MYSQL_PID" 2>/dev/null || true; return 1
            fi
            sleep 0.1
        done
        if pid_alive "$MYSQL_PID" && mysql_ready; then break; fi
        if grep -q "Do you already have another server running on port" "$db_dir/error.log" 2>/dev/null && [ $attempt -lt 5 ]; then
            log "port $MYSQL_PORT was taken, trying another"; : > "$db_dir/error.log"; continue
        fi
        log "MariaDB exited during start; $db_dir/error.log:"; tail -n 30 "$db_dir/error.log" >&2; return 1
    done
    [ -n "$MYSQL_PASSWORD" ] || MYSQL_PASSWORD="fm$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    # Root reaches the server over the socket only (unix_socket auth). The test user may create databases:
    # each test class works in its own, randomly named database and drops it afterwards.
    mariadb --no-defaults --socket="$sock_path" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS facemask CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'facemask'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
ALTER USER 'facemask'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'facemask'@'%';
SQL
    save_state
    log "MariaDB ready on 127.0.0.1:$MYSQL_PORT in $(since "$t") s (pid $MYSQL_PID)"
}

start_s3rver() {
    if ours "$S3_PID" s3rver && s3_ready; then return 0; fi
    mkdir -p "$s3_dir/data"
    local attempt t; t=$(now)
    for attempt in 1 2 3 4 5; do
        S3_PORT=$(pick_port)
        node "$s3_dir/node_modules/s3rver/bin/s3rver.js" -d "$s3_dir/data" -a 127.0.0.1 -p "$S3_PORT" \
            --no-vhost-buckets --silent --configure-bucket "$bucket" > "$s3_dir/s3rver.log" 2>&1 < /dev/null &
        S3_PID=$!
        disown "$S3_PID" 2>/dev/null || true
        local deadline=$((SECONDS + 30))
        while ! s3_ready; do
            if ! pid_alive "$S3_PID"; then break; fi
            if [ $SECONDS -ge $deadline ]; then
                log "s3rver did not listen within 30 s; $s3_dir/s3rver.log:"; tail -n 30 "$s3_dir/s3rver.log" >&2
                kill "$S3_PID" 2>/dev/null || true; return 1
            fi
            sleep 0.1
        done
        if pid_alive "$S3_PID" && s3_ready; then break; fi
        if grep -q "EADDRINUSE" "$s3_dir/s3rver.log" && [ $attempt -lt 5 ]; then
            log "port $S3_PORT was taken, trying another"; continue
        fi
        log "s3rver exited during start; $s3_dir/s3rver.log:"; tail -n 30 "$s3_dir/s3rver.log" >&2; return 1
    done
    save_state
    log "s3rver ready on 127.0.0.1:$S3_PORT in $(since "$t") s (pid $S3_PID)"
}

print_env() {
    local fail=0
    ours "$MYSQL_PID" mariadbd || { log "MariaDB is not running (scripts/test-services.sh start)"; fail=1; }
    ours "$S3_PID" s3rver || { log "s3rver is not running (scripts/test-services.sh start)"; fail=1; }
    [ $fail -eq 0 ] || return 1
    cat <<EOF
export FACEMASK_TEST_MYSQL='Server=127.0.0.1;Port=$MYSQL_PORT;Database=facemask;User ID=facemask;Password=$MYSQL_PASSWORD'
export FACEMASK_TEST_MYSQL_SOCKET='$(sock)'
export FACEMASK_TEST_S3_URL='http://127.0.0.1:$S3_PORT'
export FACEMASK_TEST_S3_ACCESS_KEY='S3RVER'
export FACEMASK_TEST_S3_SECRET_KEY='S3RVER'
export FACEMASK_TEST_S3_REGION='us-east-1'
export FACEMASK_TEST_S3_BUCKET='$bucket'
EOF
}

wait_gone() {
    local pid=$1 deadline=$((SECONDS + 60))
    while pid_alive "$pid"; do
        if [ $SECONDS -ge $deadline ]; then log "pid $pid still running after 60 s; sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
        sleep 0.1
    done
}

stop_all() {
    if ours "$MYSQL_PID" mariadbd; then
        local t; t=$(now)
        mariadb-admin --no-defaults --socket="$(sock)" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$MYSQL_PID" 2>/dev/null || true
        wait_gone "$MYSQL_PID"
        log "MariaDB stopped in $(since "$t") s"
    fi
    if ours "$S3_PID" s3rver; then
        kill -TERM "$S3_PID" 2>/dev/null || true
        wait_gone "$S3_PID"
        log "s3rver stopped"
    fi
    MYSQL_PID="" S3_PID=""
    [ -d "$root" ] && save_state
    return 0
}

cmd="${1:-}"
case "$cmd" in
    start)
        mkdir -p "$root"
        load_state
        t0=$(now)
        install_mariadb
        install_s3rver
        t1=$(now)
        start_mariadb
        start_s3rver
        log "services up in $(since "$t1") s (total $(since "$t0") s)"
        print_env
        ;;
    env)
        load_state
        print_env
        ;;
    stop)
        load_state
        stop_all
        ;;
    status)
        load_state
        if ours "$MYSQL_PID" mariadbd; then echo "MariaDB running, pid $MYSQL_PID, port $MYSQL_PORT"; else echo "MariaDB stopped"; fi
        if ours "$S3_PID" s3rver; then echo "s3rver running, pid $S3_PID, port $S3_PORT"; else echo "s3rver stopped"; fi
        ;;
    *)
        log "usage: $0 start|stop|env|status"
        exit 2
        ;;
esac
