#!/usr/bin/env bash
# othercluster.sh — "a user's cluster" for testing the console's observation code.
#
# Starts, from the Debian packages on this machine (Debian 12: Patroni 3.0.2, etcd 3.4,
# PostgreSQL 15, HAProxy 2.6, PgBouncer 1.18, Pgpool-II 4.3; Debian 13, e.g. inside the Docker
# lab's trixie image with --network host: Patroni 4.0.7, etcd 3.5, PostgreSQL 17 …), a 3-member Patroni cluster shaped unlike the
# project's own lab: members alpha/bravo/charlie on 127.0.0.11-13 (all on ports 5432/8008),
# etcd e1-e3 on 127.0.0.21-23, scope staging-ha, namespace /pgha-test/, and one of three fronts:
#
#   bouncer  etcd v3; a PgBouncer per node (:6432); HAProxy 127.0.0.30 `primary`/`replicas`
#            through the PgBouncers, stats without show-legends
#   direct   etcd v2 (Patroni's `etcd:`), no timings in bootstrap.dcs; HAProxy `pg_primary`/
#            `pg_replicas` straight to PostgreSQL, stats with show-legends; PgBouncers beside
#            the nodes, off HAProxy's path, each spreading over all three nodes
#   pgpool   etcd v3; one Pgpool-II on 127.0.0.40:9999 in front of the three nodes
#
# Usage:
#   othercluster.sh start SHAPE DIR      build DIR, start, wait until ready (90 s), print seconds
#   othercluster.sh stop DIR [--purge]   stop what DIR's start started; --purge also deletes DIR
#   othercluster.sh status DIR           one line per process: name pid alive|dead
#   othercluster.sh crash DIR MEMBER     SIGKILL to MEMBER's Patroni and PostgreSQL (what `docker kill` does)
#   othercluster.sh revive DIR MEMBER    start MEMBER's Patroni again (what `docker start` does)
#
# DIR/profile.yaml is a console profile for the cluster; DIR/pgpass (0600) has the superuser's
# password for every PostgreSQL, PgBouncer, HAProxy and Pgpool port (use it as PGPASSFILE).
# Run as root, the daemons run as `postgres`. See README.md beside this file.
set -euo pipefail

PROG=${0##*/}
readonly PROG
# The newest PostgreSQL installed (15 on Debian 12, 17 on Debian 13), or PGHA_PG_BIN.
PG_BIN=${PGHA_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
readonly PG_BIN
readonly PY=/usr/bin/python3
readonly MEMBERS=(alpha bravo charlie)
readonly MEMBER_ADDR=(127.0.0.11 127.0.0.12 127.0.0.13)
readonly ETCD_NAMES=(e1 e2 e3)
readonly ETCD_ADDR=(127.0.0.21 127.0.0.22 127.0.0.23)
readonly HAPROXY_ADDR=127.0.0.30
readonly PGPOOL_ADDR=127.0.0.40
readonly PG_PORT=5432 REST_PORT=8008 ETCD_CLIENT_PORT=2379 ETCD_PEER_PORT=2380 PGB_PORT=6432
readonly HAPROXY_RW_PORT=5000 HAPROXY_RO_PORT=5001 HAPROXY_STATS_PORT=8404
readonly PGPOOL_PORT=9999 PCP_PORT=9898
readonly SCOPE=staging-ha NAMESPACE=/pgha-test/
readonly DEADLINE=90      # seconds, from the start command to a ready cluster
readonly STOP_GRACE=10    # seconds between the polite signal and SIGKILL
readonly MARKER=.othercluster

DIR=""
SHAPE=""
RUN_AS=()
DAEMON_USER=$(id -un)
if [[ $EUID -eq 0 ]]; then
    # PostgreSQL refuses to run as root; every daemon runs as postgres.
    RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups)
    DAEMON_USER=postgres
fi

usage() {
    cat >&2 <<EOF
usage: $PROG start {bouncer|direct|pgpool} DIR
       $PROG stop DIR [--purge]
       $PROG status DIR
       $PROG crash DIR MEMBER
       $PROG revive DIR MEMBER
EOF
    exit 2
}

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { say "$*"; exit 1; }
refuse() { say "$*"; exit 2; }

has_haproxy() { [[ $SHAPE == bouncer || $SHAPE == direct ]]; }
has_pgbouncer() { [[ $SHAPE == bouncer || $SHAPE == direct ]]; }
has_pgpool() { [[ $SHAPE == pgpool ]]; }
rw_proxy() { if [[ $SHAPE == direct ]]; then echo pg_primary; else echo primary; fi; }
ro_proxy() { if [[ $SHAPE == direct ]]; then echo pg_replicas; else echo replicas; fi; }

# ---------------------------------------------------------------------------------------------
# Processes. Each daemon is started through launch(): a subshell that closes every inherited
# descriptor above 2 (a caller's flock must not leak into a daemon), then execs setsid (own
# session and process group), the account switch, a clean environment and the daemon, so the
# pid recorded in DIR/run/NAME.pid is the daemon's and its process group id too.
# ---------------------------------------------------------------------------------------------

daemon_env() {
    printf '%s\n' "PATH=$PG_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        "HOME=$DIR" "LANG=C.UTF-8" "LC_ALL=C.UTF-8" "PYTHONUNBUFFERED=1" "TZ=UTC"
}

launch() {
    local name=$1
    shift
    local log="$DIR/logs/$name.log"
    local -a envv
    mapfile -t envv < <(daemon_env)
    # Forked from a short-lived subshell, the daemon is init's child at once, not this script's.
    (
        (
            for fdpath in /proc/"$BASHPID"/fd/*; do
                fd=${fdpath##*/}
                if [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2)); then
                    exec {fd}>&- || true
                fi
            done
            exec setsid "${RUN_AS[@]}" env -i "${envv[@]}" "$@" </dev/null >>"$log" 2>&1
        ) &
        echo "$!" >"$DIR/run/$name.pid"
    )
}

# A pid is ours when the process is alive (not a zombie) and its command line names DIR/.
pid_ours() {
    local pid=$1 cmd
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cmd=$(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline) || return 1
    [[ $cmd == *"$DIR/"* ]]
}

read_pid() { # file -> pid on stdout (first line), or nothing
    local f=$1 pid=""
    if [[ -r $f ]]; then read -r pid <"$f" || true; fi
    if [[ $pid =~ ^[0-9]+$ ]]; then echo "$pid"; fi
}

# name<TAB>pid for every process start launched (pid files), in stop order, with the postmasters
# Patroni started (their own sessions: Patroni setsid()s them) before etcd.
list_processes() {
    local f name pid m
    for f in "$DIR"/run/haproxy.pid "$DIR"/run/pgbouncer-*.pid "$DIR"/run/pgpool.pid \
        "$DIR"/run/patroni-*.pid; do
        [[ -e $f ]] || continue
        name=${f##*/}
        printf '%s\t%s\n' "${name%.pid}" "$(read_pid "$f")"
    done
    for m in "${MEMBERS[@]}"; do
        f="$DIR/data/$m/postmaster.pid"
        [[ -e $f ]] || continue
        pid=$(read_pid "$f")
        if [[ -n $pid ]]; then printf '%s\t%s\n' "postgres-$m" "$pid"; fi
    done
    for f in "$DIR"/run/etcd-*.pid; do
        [[ -e $f ]] || continue
        name=${f##*/}
        printf '%s\t%s\n' "${name%.pid}" "$(read_pid "$f")"
    done
}

# The polite signal: Pgpool's and PostgreSQL's SIGTERM is a "smart" shutdown that waits for
# clients, so they get their fast one (SIGINT); everything else SIGTERM.
polite_signal() {
    case $1 in
        pgpool | postgres-*) echo INT ;;
        *) echo TERM ;;
    esac
}

# Stop a set of processes: polite signal to each, wait up to STOP_GRACE, then SIGKILL to the
# ones left and to their process groups (pgid recorded while they were known to be ours).
stop_set() {
    local -a names=() pids=() pgids=()
    local name pid pgid i deadline left mypgid
    mypgid=$(ps -o pgid= -p "$$" | tr -d ' ')
    while IFS=$'\t' read -r name pid; do
        [[ -n $name ]] || continue
        if [[ -n $pid ]] && pid_ours "$pid"; then
            pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || pgid=""
            names+=("$name")
            pids+=("$pid")
            pgids+=("$pgid")
            kill -s "$(polite_signal "$name")" "$pid" 2>/dev/null || true
        fi
    done
    ((${#pids[@]} > 0)) || return 0
    local t0=${EPOCHREALTIME/[.,]/}
    deadline=$((SECONDS + STOP_GRACE))
    while :; do
        left=0
        for pid in "${pids[@]}"; do
            if pid_ours "$pid"; then left=1; fi
        done
        ((left == 0 || SECONDS >= deadline)) && break
        sleep 0.2
    done
    for i in "${!pids[@]}"; do
        if pid_ours "${pids[$i]}"; then
            say "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_GRACE}s: SIGKILL"
            kill -KILL "${pids[$i]}" 2>/dev/null || true
        fi
        # Whatever is left of its process group (a pg_basebackup under Patroni, Pgpool's
        # children, a postmaster's backends).
        pgid=${pgids[$i]}
        if [[ $pgid =~ ^[0-9]+$ ]] && ((pgid > 1)) && [[ $pgid != "$mypgid" ]]; then
            kill -KILL -- "-$pgid" 2>/dev/null || true
        fi
    done
    sleep 0.2
    say "stopped ${names[*]} ($(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms)"
}

do_stop() {
    local -a procs
    mapfile -t procs < <(list_processes)
    # Fronts, then Patroni (it stops its PostgreSQL), then postmasters Patroni left (killed
    # Patroni, or one that did not finish in time), then etcd.
    local phase
    for phase in front patroni postgres etcd; do
        local p
        for p in "${procs[@]}"; do
            case $phase:${p%%$'\t'*} in
                front:haproxy | front:pgbouncer-* | front:pgpool | patroni:patroni-*)
                    printf '%s\n' "$p" ;;
                # etcd one by one: a leader stopped together with its followers waits seconds
                # for a leadership transfer that cannot happen.
                etcd:etcd-*) printf '%s\n' "$p" | stop_set ;;
            esac
        done | stop_set
        if [[ $phase == patroni ]]; then
            # Re-read: a postmaster may have been restarted while Patroni was still running.
            mapfile -t procs < <(list_processes)
            for p in "${procs[@]}"; do
                if [[ ${p%%$'\t'*} == postgres-* ]]; then printf '%s\n' "$p"; fi
            done | stop_set
        fi
    done
}

do_status() {
    local name pid any=0 dead=0
    while IFS=$'\t' read -r name pid; do
        any=1
        if [[ -n $pid ]] && pid_ours "$pid"; then
            printf '%-20s %-8s alive\n' "$name" "$pid"
        else
            printf '%-20s %-8s dead\n' "$name" "${pid:--}"
            dead=1
        fi
    done < <(list_processes)
    ((any)) || say "no processes recorded in $DIR"
    return $((dead || !any))
}

# A member's Patroni and its postmaster killed at once, with the postmaster's process group
# (its backends): no goodbye, the leader key stays until its ttl. The faults a user injects
# into their own cluster, for the console's external-fault tests.
do_crash() {
    local m=$1 pid pgid killed=""
    pid=$(read_pid "$DIR/run/patroni-$m.pid")
    if [[ -n $pid ]] && pid_ours "$pid"; then
        kill -KILL "$pid" 2>/dev/null && killed+=" patroni-$m($pid)"
    fi
    pid=$(read_pid "$DIR/data/$m/postmaster.pid")
    if [[ -n $pid ]] && pid_ours "$pid"; then
        pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || pgid=""
        kill -KILL "$pid" 2>/dev/null && killed+=" postgres-$m($pid)"
        if [[ $pgid =~ ^[0-9]+$ ]] && ((pgid > 1)); then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
    fi
    [[ -n $killed ]] || die "$m: nothing of it is running"
    echo "killed$killed"
}

do_revive() {
    local m=$1 pid
    pid=$(read_pid "$DIR/run/patroni-$m.pid")
    if [[ -n $pid ]] && pid_ours "$pid"; then die "$m: its Patroni (pid $pid) is running"; fi
    launch "patroni-$m" patroni "$DIR/conf/patroni-$m.yml"
    echo "started patroni-$m (pid $(read_pid "$DIR/run/patroni-$m.pid"))"
}

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------

new_password() { "$PY" -c 'import secrets; print(secrets.token_hex(16))'; }

# Files only the daemons read, with secrets: 0600, the daemon account's.
write_secret_file() { # path (content on stdin)
    local f=$1
    (umask 077 && cat >"$f")
    chmod 600 "$f"
    [[ $EUID -ne 0 ]] || chown "$DAEMON_USER:$DAEMON_USER" "$f"
}

join_by() { local IFS=$1; shift; echo "$*"; }

write_patroni_config() { # index superpw replpw
    local i=$1 su=$2 repl=$3
    local m=${MEMBERS[$i]} addr=${MEMBER_ADDR[$i]}
    local -a hosts=()
    local e
    for e in "${ETCD_ADDR[@]}"; do hosts+=("$e:$ETCD_CLIENT_PORT"); done
    {
        cat <<EOF
# Patroni member $m of the othercluster fixture (shape $SHAPE), generated by $PROG.
scope: $SCOPE
namespace: $NAMESPACE
name: $m

log:
  level: INFO

restapi:
  listen: $addr:$REST_PORT
  connect_address: $addr:$REST_PORT

EOF
        if [[ $SHAPE == direct ]]; then
            # The v2 API (python-etcd), as the public Docker HA labs configure it.
            cat <<EOF
etcd:
  hosts: $(join_by , "${hosts[@]}")

bootstrap:
  # No ttl/loop_wait/retry_timeout/maximum_lag_on_failover: Patroni's defaults apply.
  dcs:
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 100
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
EOF
        else
            cat <<EOF
etcd3:
  hosts: $(join_by , "${hosts[@]}")

bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        password_encryption: scram-sha-256
EOF
        fi
        cat <<EOF
  initdb:
    - encoding: UTF8
    - data-checksums
    - auth-host: scram-sha-256
    - auth-local: scram-sha-256

postgresql:
  listen: $addr:$PG_PORT
  connect_address: $addr:$PG_PORT
  data_dir: $DIR/data/$m
  bin_dir: $PG_BIN
  pgpass: $DIR/run/$m.pgpass
  basebackup:
    - checkpoint: fast
  authentication:
    superuser:
      username: postgres
      password: '$su'
    replication:
      username: replicator
      password: '$repl'
  pg_hba:
    - host replication replicator 127.0.0.0/8 scram-sha-256
    - host all all 127.0.0.0/8 scram-sha-256
  parameters:
    # TCP only: no socket file that could collide with a system PostgreSQL.
    unix_socket_directories: ''
    password_encryption: scram-sha-256
    logging_collector: 'on'
    log_directory: '$DIR/logs'
    log_filename: 'postgres-$m.log'
    log_line_prefix: '%m [%p] %q%u@%d '

tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
EOF
    } | write_secret_file "$DIR/conf/patroni-$m.yml"
}

write_pgbouncer_config() { # index superpw
    local i=$1 su=$2
    local m=${MEMBERS[$i]} addr=${MEMBER_ADDR[$i]} target
    if [[ $SHAPE == direct ]]; then
        # PgBouncer >= 1.17 takes a host list and connects round-robin (no health check).
        target="host=$(join_by , "${MEMBER_ADDR[@]}") port=$PG_PORT"
    else
        target="host=$addr port=$PG_PORT"
    fi
    cat >"$DIR/conf/pgbouncer-$m.ini" <<EOF
;; PgBouncer beside $m (othercluster fixture, shape $SHAPE), generated by $PROG.
[databases]
postgres = $target
* = $target

[pgbouncer]
listen_addr = $addr
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $DIR/conf/pgbouncer-$m.users
admin_users = postgres
stats_users = postgres
pool_mode = session
max_client_conn = 200
default_pool_size = 20
server_connect_timeout = 3
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,options
logfile =
pidfile =
EOF
    # Plain text: PgBouncer needs the password itself to run SCRAM towards PostgreSQL.
    printf '"postgres" "%s"\n' "$su" | write_secret_file "$DIR/conf/pgbouncer-$m.users"
}

write_haproxy_config() {
    local rw ro i server port legends inter
    local -a letters=(a b c)
    rw=$(rw_proxy)
    ro=$(ro_proxy)
    local servers=""
    for i in 0 1 2; do
        if [[ $SHAPE == direct ]]; then
            server="pg-$((i + 1))"
            port=$PG_PORT
        else
            server="node_${letters[$i]}"
            port=$PGB_PORT
        fi
        servers+="    server $server ${MEMBER_ADDR[$i]}:$port maxconn 100 check port $REST_PORT"$'\n'
    done
    if [[ $SHAPE == direct ]]; then
        legends="    stats show-legends"
        inter="inter 3s fall 3 rise 2"
    else
        legends="    # no stats show-legends: the CSV's addr column stays empty"
        inter="inter 1s fall 2 rise 1"
    fi
    cat >"$DIR/conf/haproxy.cfg" <<EOF
# HAProxy of the othercluster fixture (shape $SHAPE), generated by $PROG.
global
    maxconn 1000
    log stderr format short local0 notice

defaults
    mode tcp
    log global
    retries 2
    timeout client 30m
    timeout connect 4s
    timeout server 30m
    timeout check 5s

listen stats
    mode http
    bind $HAPROXY_ADDR:$HAPROXY_STATS_PORT
    stats enable
    stats uri /stats
    stats refresh 10s
$legends

listen $rw
    bind $HAPROXY_ADDR:$HAPROXY_RW_PORT
    option httpchk GET /primary
    http-check expect status 200
    default-server $inter on-marked-down shutdown-sessions
$servers
listen $ro
    bind $HAPROXY_ADDR:$HAPROXY_RO_PORT
    balance roundrobin
    option httpchk GET /replica
    http-check expect status 200
    default-server $inter on-marked-down shutdown-sessions
$servers
EOF
}

write_pgpool_config() { # superpw
    local su=$1 i
    {
        cat <<EOF
# Pgpool-II of the othercluster fixture (shape pgpool), generated by $PROG. Streaming
# replication mode, no watchdog; it never promotes anything (failover_command is empty).
backend_clustering_mode = 'streaming_replication'
listen_addresses = '$PGPOOL_ADDR'
port = $PGPOOL_PORT
unix_socket_directories = '$DIR/run'
pcp_listen_addresses = '$PGPOOL_ADDR'
pcp_port = $PCP_PORT
pcp_socket_dir = '$DIR/run'
wd_ipc_socket_dir = '$DIR/run'
pid_file_name = '$DIR/run/pgpool-own.pid'
logdir = '$DIR/data/pgpool'
use_watchdog = off
EOF
        for i in 0 1 2; do
            cat <<EOF
backend_hostname$i = '${MEMBER_ADDR[$i]}'
backend_port$i = $PG_PORT
backend_weight$i = 1
backend_data_directory$i = '$DIR/data/${MEMBERS[$i]}'
backend_flag$i = 'ALLOW_TO_FAILOVER'
backend_application_name$i = '${MEMBERS[$i]}'
EOF
        done
        cat <<EOF
enable_pool_hba = off
pool_passwd = '$DIR/conf/pool_passwd'
# Empty passwords: Pgpool takes them from pool_passwd.
sr_check_period = 5
sr_check_user = 'postgres'
sr_check_password = ''
health_check_period = 5
health_check_timeout = 5
health_check_user = 'postgres'
health_check_password = ''
health_check_max_retries = 0
failover_on_backend_error = off
failover_command = ''
follow_primary_command = ''
load_balance_mode = on
num_init_children = 16
max_pool = 2
log_min_messages = warning
EOF
    } >"$DIR/conf/pgpool.conf"
    # "TEXT": Pgpool needs the clear password to run SCRAM towards PostgreSQL.
    printf 'postgres:TEXT%s\n' "$su" | write_secret_file "$DIR/conf/pool_passwd"
    : >"$DIR/conf/pcp.conf"
    : >"$DIR/conf/pool_hba.conf"
}

write_pgpass() { # superpw
    local su=$1 a
    {
        for a in "${MEMBER_ADDR[@]}"; do
            printf '%s:%s:*:postgres:%s\n' "$a" "$PG_PORT" "$su"
            if has_pgbouncer; then printf '%s:%s:*:postgres:%s\n' "$a" "$PGB_PORT" "$su"; fi
        done
        if has_haproxy; then
            printf '%s:%s:*:postgres:%s\n' "$HAPROXY_ADDR" "$HAPROXY_RW_PORT" "$su"
            printf '%s:%s:*:postgres:%s\n' "$HAPROXY_ADDR" "$HAPROXY_RO_PORT" "$su"
        fi
        if has_pgpool; then printf '%s:%s:*:postgres:%s\n' "$PGPOOL_ADDR" "$PGPOOL_PORT" "$su"; fi
    } >"$DIR/pgpass.tmp"
    chmod 600 "$DIR/pgpass.tmp"
    mv "$DIR/pgpass.tmp" "$DIR/pgpass"
}

# The console's profile format (services/profile/profile.cpp, parseProfile): endpoint lists of
# plain URLs, `namespace`, `actions_enabled`, read_write/read_only as {host, port, user, database}.
write_profile() {
    local a e rwhost rwport rohost roport
    if has_pgpool; then
        rwhost=$PGPOOL_ADDR rwport=$PGPOOL_PORT rohost=$PGPOOL_ADDR roport=$PGPOOL_PORT
    else
        rwhost=$HAPROXY_ADDR rwport=$HAPROXY_RW_PORT rohost=$HAPROXY_ADDR roport=$HAPROXY_RO_PORT
    fi
    {
        echo "# Console profile of the othercluster fixture (shape $SHAPE), written by $PROG."
        echo "# Only the first Patroni member is listed: the console discovers the others."
        echo "name: othercluster-$SHAPE"
        echo "kind: staging"
        echo "actions_enabled: true"
        echo "patroni:"
        echo "  - http://${MEMBER_ADDR[0]}:$REST_PORT"
        echo "etcd:"
        for e in "${ETCD_ADDR[@]}"; do echo "  - http://$e:$ETCD_CLIENT_PORT"; done
        echo "namespace: $NAMESPACE"
        echo "scope: $SCOPE"
        if has_haproxy; then echo "haproxy_stats: http://$HAPROXY_ADDR:$HAPROXY_STATS_PORT/stats"; fi
        echo "postgres:"
        for a in "${MEMBER_ADDR[@]}"; do echo "  - postgresql://$a:$PG_PORT"; done
        if has_pgbouncer; then
            echo "pgbouncers:"
            for a in "${MEMBER_ADDR[@]}"; do echo "  - postgresql://$a:$PGB_PORT"; done
        fi
        if has_pgpool; then
            echo "pgpools:"
            echo "  - postgresql://$PGPOOL_ADDR:$PGPOOL_PORT"
        fi
        echo "read_write: {host: $rwhost, port: $rwport, user: postgres, database: postgres}"
        echo "read_only: {host: $rohost, port: $roport, user: postgres, database: postgres}"
    } >"$DIR/profile.yaml"
}

# ---------------------------------------------------------------------------------------------
# Starting and readiness
# ---------------------------------------------------------------------------------------------

start_etcd() {
    local i cluster=() v2=false
    for i in 0 1 2; do cluster+=("${ETCD_NAMES[$i]}=http://${ETCD_ADDR[$i]}:$ETCD_PEER_PORT"); done
    if [[ $SHAPE == direct ]]; then v2=true; fi
    for i in 0 1 2; do
        launch "etcd-${ETCD_NAMES[$i]}" etcd \
            --name "${ETCD_NAMES[$i]}" \
            --data-dir "$DIR/data/${ETCD_NAMES[$i]}" \
            --listen-client-urls "http://${ETCD_ADDR[$i]}:$ETCD_CLIENT_PORT" \
            --advertise-client-urls "http://${ETCD_ADDR[$i]}:$ETCD_CLIENT_PORT" \
            --listen-peer-urls "http://${ETCD_ADDR[$i]}:$ETCD_PEER_PORT" \
            --initial-advertise-peer-urls "http://${ETCD_ADDR[$i]}:$ETCD_PEER_PORT" \
            --initial-cluster "$(join_by , "${cluster[@]}")" \
            --initial-cluster-token "$SCOPE-etcd" \
            --initial-cluster-state new \
            --enable-v2="$v2" \
            --logger zap --log-level warn
    done
}

psql_q() { # host port db sql -> unaligned tuples
    PGCONNECT_TIMEOUT=3 PGPASSFILE="$DIR/pgpass" psql -X -w -At -h "$1" -p "$2" -U postgres -d "$3" -c "$4" 2>/dev/null
}

# Prints the problems of /cluster (one line), or "leader=ADDR" when it is as wanted.
cluster_problems() {
    local json
    json=$(curl -fsS -m 2 "http://${MEMBER_ADDR[0]}:$REST_PORT/cluster" 2>/dev/null) || {
        echo "Patroni REST ${MEMBER_ADDR[0]}:$REST_PORT does not answer /cluster"
        return
    }
    "$PY" -c '
import json, sys
c = json.loads(sys.argv[1])
m = c.get("members", [])
leaders = [x for x in m if x.get("role") in ("leader", "master") and x.get("state") == "running"]
replicas = [x for x in m if x.get("role") in ("replica", "sync_standby") and x.get("state") in ("running", "streaming")]
p = []
if len(m) != 3: p.append("%d members in /cluster" % len(m))
if len(leaders) != 1: p.append("%d running leaders" % len(leaders))
if len(replicas) != 2: p.append("%d running replicas (%s)" % (len(replicas), ", ".join("%s %s/%s" % (x.get("name"), x.get("role"), x.get("state")) for x in m)))
print("Patroni: " + "; ".join(p) if p else "leader=" + leaders[0]["host"])
' "$json" 2>/dev/null || echo "Patroni /cluster: unreadable answer"
}

haproxy_problems() {
    local csv rw ro
    rw=$(rw_proxy)
    ro=$(ro_proxy)
    csv=$(curl -fsS -m 2 "http://$HAPROXY_ADDR:$HAPROXY_STATS_PORT/stats;csv" 2>/dev/null) || {
        echo "HAProxy stats $HAPROXY_ADDR:$HAPROXY_STATS_PORT do not answer"
        return
    }
    awk -F, -v rw="$rw" -v ro="$ro" '
        $2 != "FRONTEND" && $2 != "BACKEND" && $18 ~ /^UP/ { up[$1]++ }
        END {
            if (up[rw] + 0 != 1) printf "HAProxy: %d servers UP in %s (want 1); ", up[rw], rw
            if (up[ro] + 0 != 2) printf "HAProxy: %d servers UP in %s (want 2); ", up[ro], ro
        }' <<<"$csv"
}

pgpool_problems() {
    local out
    out=$(PGCONNECT_TIMEOUT=3 PGPASSFILE="$DIR/pgpass" psql -X -w -At -F, -h "$PGPOOL_ADDR" \
        -p "$PGPOOL_PORT" -U postgres -d postgres -c 'SHOW POOL_NODES' 2>/dev/null) || {
        echo "Pgpool $PGPOOL_ADDR:$PGPOOL_PORT: SHOW POOL_NODES fails"
        return
    }
    # node_id,hostname,port,status,pg_status,lb_weight,role,pg_role,...
    awk -F, '
        { n++ } $4 == "up" || $4 == "waiting" { up++ } $7 == "primary" { prim++ }
        END { if (n != 3 || up != 3 || prim != 1) printf "Pgpool: %d nodes, %d up, %d primary", n, up, prim }
    ' <<<"$out"
}

# Everything that is not ready yet, one item a line (empty = ready).
not_ready() {
    local e i c leader streaming
    for i in 0 1 2; do
        e=${ETCD_ADDR[$i]}
        curl -fsS -m 2 "http://$e:$ETCD_CLIENT_PORT/health" 2>/dev/null | grep -q '"health":"true"' ||
            echo "etcd ${ETCD_NAMES[$i]} ($e:$ETCD_CLIENT_PORT) not healthy"
    done
    c=$(cluster_problems)
    if [[ $c == leader=* ]]; then
        leader=${c#leader=}
        streaming=$(psql_q "$leader" "$PG_PORT" postgres \
            "select count(*) from pg_stat_replication where state = 'streaming'") || streaming=""
        [[ $streaming == 2 ]] || echo "leader $leader: ${streaming:-?} replicas streaming (want 2)"
    else
        echo "$c"
    fi
    if has_pgbouncer; then
        for i in 0 1 2; do
            psql_q "${MEMBER_ADDR[$i]}" "$PGB_PORT" pgbouncer 'SHOW VERSION' >/dev/null ||
                echo "PgBouncer ${MEMBER_ADDR[$i]}:$PGB_PORT does not answer"
        done
    fi
    if has_haproxy; then
        c=$(haproxy_problems)
        [[ -z $c ]] || echo "$c"
        [[ $(psql_q "$HAPROXY_ADDR" "$HAPROXY_RW_PORT" postgres 'select pg_is_in_recovery()') == f ]] ||
            echo "HAProxy $HAPROXY_ADDR:$HAPROXY_RW_PORT does not reach the primary"
    fi
    if has_pgpool; then
        if [[ -f $DIR/run/pgpool.pid ]]; then
            c=$(pgpool_problems)
            [[ -z $c ]] || echo "$c"
        else
            echo "Pgpool not started yet (waits for the Patroni cluster)"
        fi
    fi
}

# Refuse to start over something already listening on one of the shape's addresses.
check_ports_free() {
    local -a want=() busy=()
    local a w listening
    for a in "${MEMBER_ADDR[@]}"; do
        want+=("$a:$PG_PORT" "$a:$REST_PORT")
        if has_pgbouncer; then want+=("$a:$PGB_PORT"); fi
    done
    for a in "${ETCD_ADDR[@]}"; do want+=("$a:$ETCD_CLIENT_PORT" "$a:$ETCD_PEER_PORT"); done
    if has_haproxy; then
        want+=("$HAPROXY_ADDR:$HAPROXY_RW_PORT" "$HAPROXY_ADDR:$HAPROXY_RO_PORT" "$HAPROXY_ADDR:$HAPROXY_STATS_PORT")
    fi
    if has_pgpool; then want+=("$PGPOOL_ADDR:$PGPOOL_PORT" "$PGPOOL_ADDR:$PCP_PORT"); fi
    listening=$(ss -Hltn | awk '{print $4}')
    for w in "${want[@]}"; do
        if grep -qxF -e "$w" -e "0.0.0.0:${w##*:}" -e "*:${w##*:}" -e "[::]:${w##*:}" <<<"$listening"; then
            busy+=("$w")
        fi
    done
    ((${#busy[@]} == 0)) ||
        die "already in use: ${busy[*]} (another othercluster running? stop it with: $PROG stop DIR)"
}

prepare_dir() {
    if [[ -e $DIR && ! -d $DIR ]]; then
        refuse "$DIR exists and is not a directory"
    fi
    if [[ -d $DIR ]]; then
        if [[ -f $DIR/$MARKER ]]; then
            # Ours from an earlier start: stop what may still run, then start from scratch.
            do_stop
            find "$DIR" -mindepth 1 -delete
        elif [[ -n $(ls -A "$DIR") ]]; then
            refuse "$DIR is not empty and was not made by $PROG (no $MARKER in it): choose a new directory"
        fi
    fi
    mkdir -p "$DIR"
    echo "othercluster $SHAPE $(date -u +%FT%TZ)" >"$DIR/$MARKER"
    mkdir -p "$DIR"/{conf,data,logs,run}
    chmod 700 "$DIR/data"
    if [[ $EUID -eq 0 ]]; then
        chown -R postgres:postgres "$DIR"
        runuser -u postgres -- test -x "$DIR" -a -w "$DIR/data" ||
            refuse "$DIR is not reachable by the postgres account (a parent directory is not searchable by it): use a directory under /tmp or /var/lib"
    fi
}

do_start() {
    local t0=$SECONDS su repl i m missing
    for c in patroni etcd psql curl ss setsid; do
        command -v "$c" >/dev/null || die "$c is not installed"
    done
    [[ -x $PG_BIN/postgres ]] || die "PostgreSQL 15 is not installed ($PG_BIN)"
    if has_haproxy && ! command -v haproxy >/dev/null; then die "haproxy is not installed"; fi
    if has_pgbouncer && ! command -v pgbouncer >/dev/null; then die "pgbouncer is not installed"; fi
    if has_pgpool && ! command -v pgpool >/dev/null; then die "pgpool is not installed"; fi

    prepare_dir
    check_ports_free

    # From here on, anything that fails stops what was started.
    trap 'say "start failed: stopping what was started"; do_stop' EXIT
    trap 'exit 1' INT TERM

    su=$(new_password)
    repl=$(new_password)
    for i in 0 1 2; do
        write_patroni_config "$i" "$su" "$repl"
        if has_pgbouncer; then write_pgbouncer_config "$i" "$su"; fi
    done
    if has_haproxy; then write_haproxy_config; fi
    if has_pgpool; then write_pgpool_config "$su"; mkdir -p "$DIR/data/pgpool"; fi
    [[ $EUID -ne 0 ]] || chown -R postgres:postgres "$DIR/conf" "$DIR/data" "$DIR/run" "$DIR/logs"
    write_pgpass "$su"
    write_profile

    start_etcd
    for m in "${MEMBERS[@]}"; do
        launch "patroni-$m" patroni "$DIR/conf/patroni-$m.yml"
    done
    if has_pgbouncer; then
        for m in "${MEMBERS[@]}"; do
            launch "pgbouncer-$m" pgbouncer "$DIR/conf/pgbouncer-$m.ini"
        done
    fi
    if has_haproxy; then launch haproxy haproxy -db -f "$DIR/conf/haproxy.cfg"; fi

    while :; do
        # Pgpool detaches a backend that is down when it starts: start it on a ready cluster.
        if has_pgpool && [[ ! -f $DIR/run/pgpool.pid ]] && [[ $(cluster_problems) == leader=* ]]; then
            launch pgpool pgpool -n -D -f "$DIR/conf/pgpool.conf" -F "$DIR/conf/pcp.conf" \
                -a "$DIR/conf/pool_hba.conf"
        fi
        missing=$(not_ready) || true
        [[ -n $missing ]] || break
        # A daemon that died will not come back.
        local name pid dead=""
        while IFS=$'\t' read -r name pid; do
            [[ $name == postgres-* ]] && continue
            pid_ours "$pid" || dead+=" $name"
        done < <(list_processes)
        if ((SECONDS - t0 >= DEADLINE)) || [[ -n $dead ]]; then
            if [[ -n $dead ]]; then
                say "exited:$dead (see $DIR/logs/)"
            else
                say "not ready after ${DEADLINE}s (logs in $DIR/logs/):"
            fi
            printf '  %s\n' "${missing//$'\n'/$'\n'  }" >&2
            exit 1
        fi
        sleep 1
    done
    trap - EXIT INT TERM
    echo "othercluster $SHAPE ready in $DIR: profile $DIR/profile.yaml, PGPASSFILE=$DIR/pgpass"
    echo "started in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------

abs_dir() { realpath -m -- "$1"; }

main() {
    (($# >= 1)) || usage
    local cmd=$1
    shift
    case $cmd in
        start)
            (($# == 2)) || usage
            SHAPE=$1
            [[ $SHAPE == bouncer || $SHAPE == direct || $SHAPE == pgpool ]] ||
                refuse "unknown shape \"$SHAPE\": bouncer, direct or pgpool"
            DIR=$(abs_dir "$2")
            [[ $DIR != / ]] || refuse "refusing /"
            do_start
            ;;
        stop)
            local purge=0 arg
            for arg in "$@"; do
                case $arg in
                    --purge) purge=1 ;;
                    -*) usage ;;
                    *) [[ -z $DIR ]] || usage; DIR=$(abs_dir "$arg") ;;
                esac
            done
            [[ -n $DIR ]] || usage
            if [[ ! -d $DIR ]]; then
                say "$DIR does not exist: nothing to stop"
                return 0
            fi
            [[ -f $DIR/$MARKER ]] || refuse "$DIR was not made by $PROG (no $MARKER in it): not touching it"
            do_stop
            if ((purge)); then
                rm -rf -- "$DIR"
                say "stopped; $DIR deleted"
            else
                say "stopped"
            fi
            ;;
        crash | revive)
            (($# == 2)) || usage
            DIR=$(abs_dir "$1")
            [[ -f $DIR/$MARKER ]] || refuse "$DIR was not made by $PROG (no $MARKER in it)"
            local member=$2 known=0 m
            for m in "${MEMBERS[@]}"; do [[ $m == "$member" ]] && known=1; done
            ((known)) || refuse "no member \"$member\" (${MEMBERS[*]})"
            "do_$cmd" "$member"
            ;;
        status)
            (($# == 1)) || usage
            DIR=$(abs_dir "$1")
            [[ -f $DIR/$MARKER ]] || refuse "$DIR was not made by $PROG (no $MARKER in it)"
            do_status
            ;;
        -h | --help | help) usage ;;
        *) usage ;;
    esac
}

# PGHA_OTHERCLUSTER_IMAGE=IMAGE runs the same cluster from another Debian release's packages:
# inside a container of IMAGE (the Docker lab's Debian 13 image brings Patroni 4.0.7, PostgreSQL
# 17, etcd 3.5, HAProxy 3.0, PgBouncer 1.24, Pgpool-II 4.6) on the host's network and process
# namespace, so the addresses, ports, pids and DIR are the same as without it. The container
# lives from start to stop; a stop without it (gone, or never made) runs here.
in_container() {
    local cmd=$1 dir name here rc=0
    case "$cmd" in
        start) dir=${3:-} ;;
        stop | status | crash | revive) dir=${2:-} ;;
        *) main "$@"; return ;;
    esac
    [[ -n $dir ]] || usage
    command -v docker >/dev/null || die "PGHA_OTHERCLUSTER_IMAGE is set but docker is not installed"
    mkdir -p -- "$(dirname -- "$dir")"
    dir=$(abs_dir "$dir")
    name="pgha-othercluster-$(printf '%s' "$dir" | md5sum | cut -c1-12)"
    here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
    if [[ $cmd == start ]]; then
        docker rm -f "$name" >/dev/null 2>&1 || true
        docker run -d --name "$name" --network host --pid host --entrypoint sleep \
            -e PGHA_OTHERCLUSTER_INSIDE=1 -v "$here:/othercluster:ro" \
            -v "$(dirname -- "$dir"):$(dirname -- "$dir")" "$PGHA_OTHERCLUSTER_IMAGE" infinity >/dev/null \
            || die "cannot start a container of $PGHA_OTHERCLUSTER_IMAGE (docker run failed)"
        # ss(8) for the port checks: the lab image may not carry iproute2.
        docker exec "$name" sh -c 'command -v ss >/dev/null || { apt-get update -qq && apt-get install -y -qq iproute2; } >/dev/null 2>&1' \
            || die "cannot install iproute2 (ss) in $PGHA_OTHERCLUSTER_IMAGE"
        docker exec "$name" bash /othercluster/othercluster.sh "${@:1}" || rc=$?
        ((rc == 0)) || docker rm -f "$name" >/dev/null 2>&1 || true
        return $rc
    fi
    if docker inspect "$name" >/dev/null 2>&1; then
        docker exec "$name" bash /othercluster/othercluster.sh "$@" || rc=$?
        [[ $cmd != stop ]] || docker rm -f "$name" >/dev/null 2>&1 || true
        return $rc
    fi
    main "$@"
}

if [[ -n ${PGHA_OTHERCLUSTER_IMAGE:-} && -z ${PGHA_OTHERCLUSTER_INSIDE:-} ]]; then
    in_container "$@"
else
    main "$@"
fi
