#!/usr/bin/env bash
# A small real OneWindow cluster on this one machine, on loopback addresses only (docs/operations.md, "Scaling out"):
#   PostgreSQL primary (its own cluster, port 5434) and a streaming replica made with pg_basebackup (port 5433),
#   Redis (its own redis-server, port 6381), two app servers (`onewindow serve` on 8101 and 8102), nginx in front
#   (8100) and one task worker (`onewindow worker`, RQ through django-tasks-rq).
#
#   scripts/cluster.sh up      bring it up (installs nginx/redis/PostgreSQL from Debian when missing; needs root)
#   scripts/cluster.sh drill   up, then mixed load through nginx with one app server and the worker SIGKILLed and
#                              restarted in the middle; checks and prints one summary line; always tears down.
#                              Exit status 0 only when every check holds.
#   scripts/cluster.sh down    stop everything and drop the two PostgreSQL clusters (the developers' 5432 and the
#                              machine's Redis on 6379 are never touched)
#   scripts/cluster.sh status  what is running
#
# Everything lives in $OW_CLUSTER_DIR (default /tmp/onewindow-cluster) and in the clusters ow_primary/ow_replica.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
DIR="${OW_CLUSTER_DIR:-/tmp/onewindow-cluster}"
PGVER="${OW_CLUSTER_PGVER:-$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)}"
P_PORT=5434; R_PORT=5433; REDIS_PORT=6381; LB_PORT=8100; APP_PORTS=(8101 8102)
PRIMARY=ow_primary; REPLICA=ow_replica; DB=onewindow
PY="$ROOT/.venv/bin/python"; OW="$ROOT/.venv/bin/onewindow"

log() { printf '== %s\n' "$*" >&2; }
die() { printf '!! %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "scripts/cluster.sh needs root (PostgreSQL clusters, apt-get)"; }

install_packages() {
  local want=() p
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || want+=(nginx)
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  command -v pg_createcluster >/dev/null 2>&1 || want+=(postgresql)
  command -v pg_basebackup >/dev/null 2>&1 || want+=(postgresql-client)
  [ ${#want[@]} -eq 0 ] && return 0
  log "apt-get install ${want[*]}"
  # Keep the packages' own services from starting (nginx on port 80, a system redis): we run our own.
  local guard=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; guard=1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
  [ $guard = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ -x "$ROOT/.venv/bin/python" ] || bash scripts/install.sh
  for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || die "could not install $p"; done
  PGVER="$(ls /usr/lib/postgresql | sort -n | tail -1)"
}

pgctl() { pg_ctlcluster --skip-systemctl-redirect "$PGVER" "$@"; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_env() {
  local key
  key="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  cat >"$DIR/env" <<EOF
DATABASE_URL=postgres://postgres@127.0.0.1:$P_PORT/$DB
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$R_PORT/$DB
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
ONEWINDOW_SECRET_KEY=$key
ONEWINDOW_VAR_DIR=$DIR/var
ONEWINDOW_CONN_MAX_AGE=60
ONEWINDOW_TRUSTED_PROXIES=127.0.0.1/32
ONEWINDOW_ALLOWED_HOSTS=127.0.0.1,localhost
ONEWINDOW_LOG_LEVEL=WARNING
ONEWINDOW_SMS_SENDER=sms_ledger.record
OW_CLUSTER_SMS_LOG=$DIR/sms.log
PYTHONPATH=$ROOT/src:$ROOT/scripts/cluster
EOF
}

load_env() { set -a; . "$DIR/env"; set +a; }

up_postgres() {
  log "PostgreSQL $PGVER: primary $PRIMARY on $P_PORT, streaming replica $REPLICA on $R_PORT"
  for c in "$PRIMARY" "$REPLICA"; do
    [ -d "/etc/postgresql/$PGVER/$c" ] && die "cluster $PGVER/$c exists: run scripts/cluster.sh down first"
  done
  port_free $P_PORT || die "port $P_PORT is taken"; port_free $R_PORT || die "port $R_PORT is taken"
  pg_createcluster "$PGVER" "$PRIMARY" -p $P_PORT \
    -o wal_level=replica -o max_wal_senders=4 -o hot_standby=on \
    -o max_connections=200 -o shared_buffers=256MB >/dev/null
  cat >"/etc/postgresql/$PGVER/$PRIMARY/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
  pgctl "$PRIMARY" start
  pg_createcluster "$PGVER" "$REPLICA" -p $R_PORT \
    -o hot_standby=on -o max_connections=200 >/dev/null
  cp "/etc/postgresql/$PGVER/$PRIMARY/pg_hba.conf" "/etc/postgresql/$PGVER/$REPLICA/pg_hba.conf"
  local data="/var/lib/postgresql/$PGVER/$REPLICA"
  rm -rf "${data:?}"/*
  # a physical copy of the primary that keeps streaming from it (-R writes standby.signal + primary_conninfo)
  su postgres -c "pg_basebackup -h 127.0.0.1 -p $P_PORT -U postgres -D $data -R -X stream -c fast" >/dev/null
  pgctl "$REPLICA" start
  psql -h 127.0.0.1 -p $P_PORT -U postgres -qc "CREATE DATABASE $DB" >/dev/null
}

up_redis() {
  log "Redis on $REDIS_PORT"
  port_free $REDIS_PORT || die "port $REDIS_PORT is taken"
  redis-server --bind 127.0.0.1 --port $REDIS_PORT --save '' --appendonly no --daemonize yes \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --dir "$DIR" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "redis did not start"
}

start_app() {  # start_app PORT — one `onewindow serve` (gunicorn master + workers) in its own process group
  local port=$1
  mkdir -p "$DIR/run-$port"
  XDG_RUNTIME_DIR="$DIR/run-$port" setsid "$OW" serve --bind "127.0.0.1:$port" --workers "${OW_CLUSTER_WORKERS:-2}" \
    --threads 4 --access-log "" >>"$DIR/app-$port.log" 2>&1 </dev/null &
  echo $! >"$DIR/app-$port.pid"; disown
}

start_worker() {
  setsid "$OW" worker >>"$DIR/worker.log" 2>&1 </dev/null &
  echo $! >"$DIR/worker.pid"; disown
}

wait_http() {  # wait_http PORT
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null && return 0
    sleep 0.5
  done
  die "nothing answers on 127.0.0.1:$1 (see $DIR/*.log)"
}

up_nginx() {
  log "nginx on $LB_PORT → ${APP_PORTS[*]}"
  port_free $LB_PORT || die "port $LB_PORT is taken"
  mkdir -p "$DIR/nginx"
  local servers="" p
  for p in "${APP_PORTS[@]}"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=3s;"$'\n'; done
  cat >"$DIR/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx/body; proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fastcgi; uwsgi_temp_path $DIR/nginx/uwsgi; scgi_temp_path $DIR/nginx/scgi;
  upstream onewindow {
$servers    keepalive 32;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    client_max_body_size 30m;
    location / {
      proxy_pass http://onewindow;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # a server that refuses the connection is skipped; a request already sent to a server that died is not
      # replayed when it is not idempotent (nginx's default): the client retries it with its Idempotency-Key
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
EOF
  nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" 2>>"$DIR/nginx/error.log"
}

cmd_up() {
  install_packages
  [ -n "$PGVER" ] || die "no PostgreSQL server installed"
  mkdir -p "$DIR/var"
  : >"$DIR/sms.log"
  write_env
  up_postgres
  up_redis
  load_env
  log "migrate"
  "$OW" migrate -v 0
  for p in "${APP_PORTS[@]}"; do start_app "$p"; done
  start_worker
  for p in "${APP_PORTS[@]}"; do wait_http "$p"; done
  up_nginx
  wait_http $LB_PORT
  log "up: http://127.0.0.1:$LB_PORT (environment in $DIR/env)"
}

kill_group() {  # kill_group PIDFILE — the process group started by setsid
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$f"
}

cmd_down() {
  need_root
  log "down"
  if [ -f "$DIR/nginx/nginx.pid" ]; then
    nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -s stop 2>/dev/null || kill "$(cat "$DIR/nginx/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 1 30); do [ -f "$DIR/nginx/nginx.pid" ] || break; sleep 0.1; done
  fi
  kill_group "$DIR/worker.pid"
  for p in "${APP_PORTS[@]}"; do kill_group "$DIR/app-$p.pid"; done
  if [ -f "$DIR/redis.pid" ]; then
    redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    for _ in $(seq 1 30); do [ -f "$DIR/redis.pid" ] || break; sleep 0.1; done
  fi
  for c in "$REPLICA" "$PRIMARY"; do
    if [ -n "$PGVER" ] && [ -d "/etc/postgresql/$PGVER/$c" ]; then pg_dropcluster --stop "$PGVER" "$c"; fi
  done
  if [ -d "$DIR" ]; then  # keep the logs of the last run for a look afterwards
    rm -rf "$DIR.logs" && mkdir -p "$DIR.logs"
    cp "$DIR"/*.log "$DIR/nginx/error.log" "$DIR.logs/" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}

cmd_status() {
  local f
  for f in "$DIR"/*.pid "$DIR/nginx/nginx.pid"; do
    [ -f "$f" ] && printf '%-28s pid %s %s\n' "$(basename "$f")" "$(cat "$f")" \
      "$(kill -0 "$(cat "$f")" 2>/dev/null && echo running || echo gone)"
  done
  pg_lsclusters 2>/dev/null | grep -E "$PRIMARY|$REPLICA" || true
}

cmd_drill() {
  need_root
  [ -e "$DIR/env" ] && die "a cluster is up already ($DIR): scripts/cluster.sh down first"
  trap 'status=$?; cmd_down >/dev/null 2>&1 || true; exit $status' EXIT
  trap 'exit 130' INT TERM
  local started=$SECONDS
  cmd_up
  load_env
  OW_CLUSTER_DIR="$DIR" OW_CLUSTER_PGVER="$PGVER" OW_LB_PORT=$LB_PORT OW_APP_PORTS="${APP_PORTS[*]}" OW_CLUSTER_SCRIPT="$0" \
    timeout --kill-after=10 "${OW_DRILL_TIMEOUT:-230}" "$PY" scripts/cluster/drill.py "${@}"
  log "drill took $((SECONDS - started)) s in all"
}

case "${1:-}" in
  up) need_root
      [ -e "$DIR/env" ] && die "a cluster is up already ($DIR): scripts/cluster.sh down first"
      trap 'status=$?; if [ $status -ne 0 ]; then cmd_down >/dev/null 2>&1 || true; fi; exit $status' EXIT
      cmd_up ;;
  down) cmd_down ;;
  drill) shift; cmd_drill "$@" ;;
  status) cmd_status ;;
  restart-app) need_root; load_env; start_app "$2"; wait_http "$2" ;;   # used by the drill
  restart-worker) need_root; load_env; start_worker ;;                 # used by the drill
  *) echo "usage: scripts/cluster.sh up | drill | down | status" >&2; exit 2 ;;
esac
