#!/usr/bin/env bash
# Compares Outrigger with nginx and HAProxy as HTTP proxies on this machine, each pinned to one
# core, against a load generator talking straight to the origin. See docs/performance.md.
#
#   bench/run.sh [--smoke] [--rounds N] [--duration SECONDS] [scenario...]
#
# Scenarios: h1 h1-1k h1-64k h2 fixed-rate conn-churn paced mtls policy lb (default: all).
# mtls: two-hop chains (outbound proxy -> inbound proxy -> origin) of Outrigger, nginx and HAProxy,
# plain and with mutual TLS between the hops; run first, by bench/mtls.sh with the same --rounds
# and --duration (see that script for its own options).
# policy: one Outrigger sidecar without HTTP filters, with RBAC (21 policies), a local rate limit,
# both, and the Redis global rate limit against a local redis-server; run first (after mtls), by
# bench/policy.sh with the same --rounds and --duration (see that script for its own options).
# lb: one Outrigger sidecar balancing over two fast nginx endpoints and one that answers 20 ms
# late, with ROUND_ROBIN, LEAST_REQUEST, PeakEwma and RANDOM, and over the two fast ones alone;
# closed loop (wrk) and at a fixed 3000 req/s (OpenLoop); run first (after policy), by
# bench/lb.sh with the same --rounds and --duration (see that script for its own options).
# --smoke: one 2-second round of h1, h2 and fixed-rate at low load, no warm-up; fails unless every
# target answered without an error and the result files have every field (CI runs it).
# Exit status: 0 when every result file was written (a full run writes a file even when a target
# had errors or missed an open-loop rate: the table says so); 1 on a failure or a failed smoke
# check; 130/143 when interrupted. Needs root (or sudo) only to install missing tools.
#
# Environment (defaults in brackets):
#   BENCH_TARGETS         targets to measure ["direct nginx haproxy outrigger"]
#   BENCH_CONNECTIONS     connections for wrk, fixed-rate and paced [50; smoke 8]
#   BENCH_FIXED_RATE      fixed-rate scenario, req/s [2000; smoke 500]
#   BENCH_PACED_RATE      paced scenario, req/s [16000]
#   BENCH_H2_CLIENTS, BENCH_H2_STREAMS   h2load -c and -m [1, 100]
#   BENCH_JVM_WARMUP      seconds of load on Outrigger before the first scenario [30; smoke 0]
#   BENCH_WARMUP          seconds of each scenario's load on every target before its rounds [10; smoke 0]
#   BENCH_PROXY_CPU, BENCH_LOAD_CPU      cores for the proxies / for origin and generators [0, 1]
#   BENCH_PORT_BASE       first of 9 consecutive loopback ports [28000; the next free block is used]
#   BENCH_KEEP_WORKDIR=1  keep the temporary directory (configs, logs, raw outputs)
#   OUTRIGGER_JVM_FLAGS   replaces bin/outrigger's default JVM flags (see bin/outrigger)
#   OUTRIGGER_CDS=0       Outrigger without bin/outrigger's class data sharing archive
#   BENCH_JAVA_OPTS       extra JAVA_OPTS for Outrigger, after -XX:ActiveProcessorCount=1
set -euo pipefail
((BASH_VERSINFO[0] >= 5)) || { echo "bench: bash 5 or newer is needed" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
all_scenarios=(h1 h1-1k h1-64k h2 fixed-rate conn-churn paced mtls policy lb)

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}
die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

smoke=0
rounds=""
duration=""
scenarios=()
while (($#)); do
  case "$1" in
    --smoke) smoke=1 ;;
    --rounds) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--rounds needs a positive number"; rounds=$2; shift ;;
    --duration) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--duration needs whole seconds > 0"; duration=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *)
      [[ " ${all_scenarios[*]} " == *" $1 "* ]] || die "unknown scenario '$1' (known: ${all_scenarios[*]})"
      scenarios+=("$1") ;;
  esac
  shift
done

if ((smoke)); then
  ((${#scenarios[@]})) || scenarios=(h1 h2 fixed-rate)
  rounds=${rounds:-1}
  duration=${duration:-2}
  connections=${BENCH_CONNECTIONS:-8}
  fixed_rate=${BENCH_FIXED_RATE:-500}
  jvm_warmup=${BENCH_JVM_WARMUP:-0}
  scenario_warmup=${BENCH_WARMUP:-0}
  openloop_warmup=0
  openloop_drain=10 # a late answer on a busy CI machine is not an error
  pause=0.2
else
  ((${#scenarios[@]})) || scenarios=("${all_scenarios[@]}")
  rounds=${rounds:-3}
  duration=${duration:-10}
  connections=${BENCH_CONNECTIONS:-50}
  fixed_rate=${BENCH_FIXED_RATE:-2000}
  jvm_warmup=${BENCH_JVM_WARMUP:-30}
  scenario_warmup=${BENCH_WARMUP:-10}
  openloop_warmup=2 # inside each OpenLoop run, not measured: JIT of the generator, connections
  openloop_drain=2  # after the schedule, how long answers are waited for (later: unanswered)
  pause=1
fi
paced_rate=${BENCH_PACED_RATE:-16000}
h2_clients=${BENCH_H2_CLIENTS:-1}
h2_streams=${BENCH_H2_STREAMS:-100}
proxy_cpu=${BENCH_PROXY_CPU:-0}
load_cpu=${BENCH_LOAD_CPU:-1}
read -r -a targets <<<"${BENCH_TARGETS:-direct nginx haproxy outrigger}"
for t in "${targets[@]}"; do
  [[ " direct nginx haproxy outrigger " == *" $t "* ]] || die "unknown target '$t' in BENCH_TARGETS"
done
((${#targets[@]})) || die "BENCH_TARGETS is empty"

# ---- tools ------------------------------------------------------------------------------------

# Installs, with one apt-get update first, whatever the benchmark needs and is missing. Package
# scripts are told not to start the nginx and HAProxy system services (a policy-rc.d that denies
# it, only while installing and only when the machine has none): the benchmark runs its own.
ensure_tools() {
  local -a missing=()
  command -v pgrep >/dev/null 2>&1 || missing+=(procps)
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
  command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v ss >/dev/null 2>&1 || missing+=(iproute2)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  if [[ " ${scenarios[*]} " == *" policy "* ]]; then
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
  fi
  if [[ " ${scenarios[*]} " == *" lb "* ]]; then
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
  fi
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  local sudo=""
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install ${missing[*]}"
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    # Set first, so that a failure halfway still cleans up.
    policy_rc_d_rm=(rm -f /usr/sbin/policy-rc.d)
    [[ -z "$sudo" ]] || policy_rc_d_rm=(sudo "${policy_rc_d_rm[@]}")
    printf '#!/bin/sh\n# bench/run.sh: no service starts while it installs packages\nexit 101\n' \
      | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod 755 /usr/sbin/policy-rc.d
  fi
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  local pkg
  for pkg in "${missing[@]}"; do
    if ! $sudo apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; then
      # nginx-light is a transitional package on newer Debian releases; nginx is the real one.
      if [[ "$pkg" != nginx-light ]] || ! $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null; then
        die "apt-get install $pkg failed"
      fi
    fi
  done
  remove_policy_rc_d
}

remove_policy_rc_d() {
  ((${#policy_rc_d_rm[@]})) || return 0
  "${policy_rc_d_rm[@]}" || log "warning: could not remove /usr/sbin/policy-rc.d"
  policy_rc_d_rm=()
}

# ---- cleanup: every process this script started, on any exit ---------------------------------

work=""          # temporary directory (configs, logs, raw outputs)
started=()       # PIDs of the origin and the proxies (nginx workers too), stopped on exit
gen_pid=""       # the load generator while it runs (timeout(1), which passes signals on)
policy_rc_d_rm=() # the command that removes our policy-rc.d while it is in place

stop_started() {
  local pid i alive
  [[ -z "$gen_pid" ]] || started+=("$gen_pid")
  for pid in "${started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 50; i++)); do
    alive=0
    for pid in "${started[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${started[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  started=()
  gen_pid=""
}

finish() {
  local rc=$?
  trap - EXIT INT TERM
  stop_started
  remove_policy_rc_d
  if [[ -n "$work" ]]; then
    if ((rc != 0)) || [[ "${BENCH_KEEP_WORKDIR:-0}" == 1 ]]; then
      log "logs and raw outputs kept in $work"
    else
      rm -rf "$work"
    fi
  fi
  exit "$rc"
}
trap finish EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

ensure_tools

# The mTLS chains, the policy filter variants and the load balancing policies have their own
# topology and script; they run before anything here starts.
for own in mtls policy lb; do
  [[ " ${scenarios[*]} " == *" $own "* ]] || continue
  own_args=(--rounds "$rounds" --duration "$duration")
  log "$own: bash bench/$own.sh ${own_args[*]}"
  bash "$bench/$own.sh" "${own_args[@]}" || die "bench/$own.sh failed"
  remaining=()
  for s in "${scenarios[@]}"; do [[ $s == "$own" ]] || remaining+=("$s"); done
  scenarios=("${remaining[@]}")
  if ((${#scenarios[@]} == 0)); then
    exit 0
  fi
done
PATH="$PATH:/usr/sbin:/sbin"

# The two cores must exist and be allowed to this process. A smoke run on a one-core machine
# shares the one core (it checks that everything works, not how fast); a real run refuses.
cpu_usable() { taskset -c "$1" true 2>/dev/null; }
if ! cpu_usable "$proxy_cpu" || ! cpu_usable "$load_cpu" || [[ "$proxy_cpu" == "$load_cpu" ]]; then
  if ((smoke)) && cpu_usable "$proxy_cpu"; then
    log "warning: CPU $load_cpu is not usable or is the proxies' core; the smoke run puts everything on CPU $proxy_cpu"
    load_cpu=$proxy_cpu
  elif ((smoke)) && cpu_usable "$load_cpu"; then
    log "warning: CPU $proxy_cpu is not usable; the smoke run puts everything on CPU $load_cpu"
    proxy_cpu=$load_cpu
  else
    die "CPUs $proxy_cpu (proxies) and $load_cpu (origin, generators) must be two usable cores (this process may use: $(taskset -pc $$ | sed 's/.*: //')); set BENCH_PROXY_CPU and BENCH_LOAD_CPU"
  fi
fi
command -v java >/dev/null 2>&1 || die "java is not on PATH (Java 17 or newer is needed)"
command -v javac >/dev/null 2>&1 || die "javac is not on PATH (a JDK 17 or newer is needed, not only a JRE)"

jar="$root/sidecar/target/outrigger-sidecar.jar"
if [[ ! -f "$jar" ]]; then
  log "building Outrigger (mvn -B -q package -DskipTests)"
  (cd "$root" && mvn -B -q package -DskipTests) || die "the build failed"
fi

# ---- work directory, processes -----------------------------------------------------------------

work="$(mktemp -d /tmp/outrigger-bench.XXXXXX)"
chmod 755 "$work" # nginx workers drop root and must read the origin's files

# Starts a long-running process in the background, logging to $work/NAME.log; sets $bg_pid.
start_bg() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  bg_pid=$!
  started+=("$bg_pid")
}

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# Nine consecutive free ports from BENCH_PORT_BASE, or the next free block of them.
pick_ports() {
  local base=${BENCH_PORT_BASE:-28000} attempt p ok
  for ((attempt = 0; attempt < 20; attempt++)); do
    ok=1
    for ((p = base; p < base + 9; p++)); do port_free "$p" || { ok=0; break; }; done
    if ((ok)); then echo "$base"; return 0; fi
    base=$((base + 10))
  done
  die "no block of 9 free ports found from ${BENCH_PORT_BASE:-28000}"
}

wait_http() { # URL SECONDS [PID]: until URL answers 2xx
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  until curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; do
    [[ -z "$pid" ]] || kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

cpu_ticks() { # utime + stime of the whole process, in clock ticks
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  awk '{print $12 + $13}' <<<"$stat"
}

# A core's load is measured against the wall clock: busy = window - idle. The kernel measures
# idle (and iowait) time precisely, while its user and system counters are samples taken at timer
# ticks, which in a virtual machine can miss much of a load that wakes and sleeps thousands of
# times a second. Processes' utime + stime (/proc/PID/stat) are scaled to their exact run time.
#
# Interrupt time: with CONFIG_IRQ_TIME_ACCOUNTING it is nobody's task time, so irq and softirq
# are left out of busy (or our own network processing would count as other processes'). Without
# it (tick-based accounting), an interrupt is charged to the task it interrupted: loopback TCP's
# softirq work is in our processes' time, and busy keeps it. "yes" / "no" / "unknown" (kernel
# config not readable: then as with "yes").
irq_time_accounting() {
  local config
  config=$({ zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null; } \
    | grep -E '^(# )?CONFIG_IRQ_TIME_ACCOUNTING[= ]' || true)
  case $config in
    CONFIG_IRQ_TIME_ACCOUNTING=y) echo yes ;;
    "# CONFIG_IRQ_TIME_ACCOUNTING is not set") echo no ;;
    *) echo unknown ;;
  esac
}
irq_accounting=$(irq_time_accounting)
irq_apart=1
[[ $irq_accounting != no ]] || irq_apart=0

# CPU: "idle irq" clock ticks of one core since boot (idle: idle + iowait; irq: irq + softirq).
core_ticks() { awk -v cpu="cpu$1" '$1 == cpu {print $5 + $6, $7 + $8}' /proc/stat; }

# Busy ticks of a core over a window of WINDOW_US microseconds with IDLE and IRQ tick deltas:
# the window less idle, less interrupts where they are apart from task time.
busy_ticks() { # WINDOW_US IDLE IRQ
  echo $(($1 * clk_tck / 1000000 - $2 - irq_apart * $3))
}

rss_hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# Resets the peak RSS so VmHWM afterwards is the peak of this run (Linux 4.0+, root).
reset_hwm() { { echo 5 >"/proc/$1/clear_refs"; } 2>/dev/null; }

# OpenLoop and Report are single-file programs (java bench/OpenLoop.java ... runs one as is);
# compiling both once here saves the few seconds a source launch spends compiling, every run.
classes="$work/classes"
javac -d "$classes" "$bench/OpenLoop.java" "$bench/Report.java" || die "javac of bench/*.java failed"

# ---- the origin and the three proxies ---------------------------------------------------------

base=$(pick_ports)
# Where each target listens for HTTP/1.1 and for HTTP/2 (h2c, prior knowledge).
declare -A port=([direct]=$base [nginx]=$((base + 2)) [haproxy]=$((base + 4)) [outrigger]=$((base + 6)))
declare -A port_h2=([direct]=$((base + 1)) [nginx]=$((base + 3)) [haproxy]=$((base + 5)) [outrigger]=$((base + 7)))
p_origin=${port[direct]} p_origin_h2=${port_h2[direct]}
p_admin=$((base + 8))
clk_tck=$(getconf CLK_TCK)

nginx_common() { # NAME: directives shared by the origin and the nginx proxy
  cat <<EOF
worker_processes 1;
daemon off;
pid $work/$1.pid;
error_log $work/$1.error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 1000000000; # no periodic closes of client (and HTTP/2) connections
  keepalive_timeout 300s;
  client_body_temp_path $work/$1.tmp/body;
  proxy_temp_path $work/$1.tmp/proxy;
  fastcgi_temp_path $work/$1.tmp/fastcgi;
  uwsgi_temp_path $work/$1.tmp/uwsgi;
  scgi_temp_path $work/$1.tmp/scgi;
EOF
}

start_origin() {
  mkdir -p "$work/www" "$work/origin.tmp"
  head -c 1024 /dev/zero | tr '\0' 'a' >"$work/www/1k"
  head -c 65536 /dev/zero | tr '\0' 'a' >"$work/www/64k"
  chmod 755 "$work/www" && chmod 644 "$work/www/1k" "$work/www/64k"
  {
    nginx_common origin
    cat <<EOF
  default_type application/octet-stream;
  sendfile on;
  open_file_cache max=16;
  open_file_cache_valid 1h;
  server {
    listen 127.0.0.1:$p_origin backlog=4096;
    listen 127.0.0.1:$p_origin_h2 http2 backlog=4096;
    root $work/www;
    location = / { return 200 "ok\n"; }
    location / { }
  }
}
EOF
  } >"$work/origin.conf"
  run_nginx origin "$load_cpu" "http://127.0.0.1:$p_origin/1k"
  origin_pid=$nginx_pid
  origin_worker=$nginx_worker_pid
}

# NAME CPU URL: starts nginx with $work/NAME.conf pinned to CPU and waits until URL answers;
# sets $nginx_pid (master) and $nginx_worker_pid.
run_nginx() {
  start_bg "$1" taskset -c "$2" nginx -p "$work" -e "$work/$1.error.log" -c "$work/$1.conf"
  nginx_pid=$bg_pid
  wait_http "$3" 10 "$nginx_pid" || die "$1 did not start; see $work/$1.log"
  nginx_worker_pid=$(pgrep -P "$nginx_pid" | head -n1)
  # An nginx worker outlives a master that had to be killed with SIGKILL: stop it by its PID too.
  started+=("$nginx_worker_pid")
}

start_nginx() {
  mkdir -p "$work/nginx.tmp"
  {
    nginx_common nginx
    cat <<EOF
  upstream origin {
    server 127.0.0.1:$p_origin;
    keepalive 256;
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:${port[nginx]} backlog=4096;
    listen 127.0.0.1:${port_h2[nginx]} http2 backlog=4096;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Room for a 64 KiB body in memory: nginx never buffers a response to a temp file here.
      proxy_buffer_size 16k;
      proxy_buffers 8 16k;
      proxy_max_temp_file_size 0;
    }
  }
}
EOF
  } >"$work/nginx.conf"
  run_nginx nginx "$proxy_cpu" "http://127.0.0.1:${port[nginx]}/"
  nginx_master=$nginx_pid
  nginx_worker=$nginx_worker_pid
}

start_haproxy() {
  # HAProxy wants two descriptors per connection and refuses to start beyond the limit.
  local maxconn=$((($(ulimit -n) - 200) / 2))
  ((maxconn <= 10000)) || maxconn=10000
  cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $maxconn
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
  http-reuse always
frontend h1
  bind 127.0.0.1:${port[haproxy]}
  default_backend origin
frontend h2
  bind 127.0.0.1:${port_h2[haproxy]} proto h2
  default_backend origin
backend origin
  server origin 127.0.0.1:$p_origin
EOF
  start_bg haproxy taskset -c "$proxy_cpu" haproxy -db -f "$work/haproxy.cfg"
  haproxy_pid=$bg_pid
  wait_http "http://127.0.0.1:${port[haproxy]}/" 10 "$haproxy_pid" || die "haproxy did not start; see $work/haproxy.log"
}

outrigger_listener() { # NAME PORT [CODEC]
  cat <<EOF
  - name: $1
    address: { socket_address: { address: 127.0.0.1, port_value: $2 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: $1
${3:+          codec_type: $3
}          route_config:
            name: $1
            virtual_hosts:
            - name: origin
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                route: { cluster: origin }
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
EOF
}

start_outrigger() {
  {
    cat <<EOF
# Generated by bench/run.sh: HTTP/1.1 (codec AUTO, the default) and HTTP/2 prior-knowledge
# listeners, both to one origin over pooled HTTP/1.1 keep-alive connections.
node: { id: bench, cluster: bench }
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $p_admin } }
static_resources:
  listeners:
EOF
    outrigger_listener h1 "${port[outrigger]}"
    outrigger_listener h2 "${port_h2[outrigger]}" HTTP2
    cat <<EOF
  clusters:
  - name: origin
    type: STATIC
    lb_policy: ROUND_ROBIN
    connect_timeout: 1s
    load_assignment:
      cluster_name: origin
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $p_origin } } }
EOF
  } >"$work/outrigger.yaml"
  "$root/bin/outrigger" validate "$work/outrigger.yaml" >/dev/null || die "the generated bootstrap is invalid"
  # The same core budget as the others: one processor for the JVM's own sizing (GC and JIT
  # threads, Netty's defaults) and one event loop. bin/outrigger adds its default JVM flags.
  JAVA_OPTS="-XX:ActiveProcessorCount=1${BENCH_JAVA_OPTS:+ $BENCH_JAVA_OPTS}" \
    start_bg outrigger taskset -c "$proxy_cpu" "$root/bin/outrigger" run --config "$work/outrigger.yaml" \
    --concurrency 1 --drain-timeout 1s
  outrigger_launcher=$bg_pid
}

wait_outrigger() {
  wait_http "http://127.0.0.1:$p_admin/ready" 60 "$outrigger_launcher" \
    || die "Outrigger did not become ready; see $work/outrigger.log"
  # bin/outrigger execs the JVM, except on the run that writes its class data sharing archive:
  # then it stays, as the JVM's parent, to put the archive in place when the JVM exits. The
  # JVM is the process that is measured.
  if [[ "$(<"/proc/$outrigger_launcher/comm")" == java ]]; then
    outrigger_pid=$outrigger_launcher
  else
    outrigger_pid=$(pgrep -x -P "$outrigger_launcher" java | head -n1) || true
    [[ -n "$outrigger_pid" ]] || die "no JVM under bin/outrigger (pid $outrigger_launcher); see $work/outrigger.log"
    started+=("$outrigger_pid")
  fi
  # What the JVM was really started with, for the record.
  outrigger_jvm_args=$(tr '\0' '\n' <"/proc/$outrigger_pid/cmdline" | awk 'NR > 1 && $0 == "-jar" {exit} NR > 1' | paste -sd' ')
  case $outrigger_jvm_args in
    *-XX:SharedArchiveFile=*) outrigger_cds="mapped" ;;
    *-XX:ArchiveClassesAtExit=*) outrigger_cds="written by this run" ;;
    *) outrigger_cds="off" ;;
  esac
}

# The process whose CPU and memory count for a target: nginx's worker, HAProxy, the JVM.
target_pid() {
  case $1 in
    direct) echo "" ;;
    nginx) echo "$nginx_worker" ;;
    haproxy) echo "$haproxy_pid" ;;
    outrigger) echo "$outrigger_pid" ;;
  esac
}

# ---- scenarios --------------------------------------------------------------------------------

describe() {
  case $1 in
    h1) echo "HTTP/1.1 keep-alive, 3-byte body: saturation throughput" ;;
    h1-1k) echo "HTTP/1.1 keep-alive, 1 KiB body" ;;
    h1-64k) echo "HTTP/1.1 keep-alive, 64 KiB body" ;;
    h2) echo "HTTP/2 prior knowledge (h2c) to the proxy, HTTP/1.1 keep-alive upstream" ;;
    fixed-rate) echo "latency at a fixed ${fixed_rate} req/s, even global arrival schedule" ;;
    conn-churn) echo "a new connection per request (Connection: close)" ;;
    paced) echo "CPU per request at a fixed ${paced_rate} req/s" ;;
  esac
}

load_of() {
  case $1 in
    h1|h1-1k|h1-64k) echo "wrk -t1 -c$connections" ;;
    conn-churn) echo "wrk -t1 -c$connections, Connection: close" ;;
    h2) echo "h2load -c$h2_clients -m$h2_streams" ;;
    fixed-rate) echo "OpenLoop at $fixed_rate req/s on $connections connections" ;;
    paced) echo "OpenLoop at $paced_rate req/s on $connections connections" ;;
  esac
}

path_of() {
  case $1 in
    h1-1k) echo /1k ;;
    h1-64k) echo /64k ;;
    *) echo / ;;
  esac
}

on_load_cpu() { taskset -c "$load_cpu" "$@"; }

# CPU time of this shell's finished children (user + system), in milliseconds. `times` runs in
# this shell, not in a command substitution's subshell, whose children would be others.
children_ms() {
  times >"$work/times"
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 + 0.5 }' "$work/times"
}

now_us() { echo "${EPOCHREALTIME/./}"; } # bash 5: no fork

# Runs SCENARIO's load against TARGET for SECONDS and writes the generator's numbers as one JSON
# object to $work/result.json and the CPU the generator used to $work/generator.ticks. The
# generator runs in the background and this shell waits
# for it, so that a signal stops the benchmark at once (finish() stops the generator too).
run_load() {
  local scenario=$1 target=$2 seconds=$3 pid=${4:-} warmup=${5:-0} out="$work/load.out"
  local url rc=0 ms0
  url="http://127.0.0.1:${port[$target]}$(path_of "$scenario")"
  local -a cmd
  case $scenario in
    h1|h1-1k|h1-64k|conn-churn)
      cmd=(wrk -t1 -c"$connections" -d"${seconds}s" --timeout 5s -s "$bench/report.lua")
      [[ $scenario != conn-churn ]] || cmd+=(-H "Connection: close")
      cmd+=("$url")
      ;;
    h2)
      rm -f "$work/h2load.log"
      cmd=(h2load -c"$h2_clients" -m"$h2_streams" -D "$seconds" --log-file="$work/h2load.log"
        "http://127.0.0.1:${port_h2[$target]}/")
      ;;
    fixed-rate|paced)
      local rate=$fixed_rate
      [[ $scenario == fixed-rate ]] || rate=$paced_rate
      # A young generation large enough that the generator does not collect while it measures.
      cmd=(java -XX:+UseSerialGC -Xms512m -Xmx512m -Xmn400m -cp "$classes" OpenLoop --url "$url"
        --rate "$rate" --connections "$connections" --duration "$seconds" --warmup "$warmup"
        --drain "$openloop_drain")
      [[ -z "$pid" ]] || cmd+=(--cpu-pid "$pid")
      ;;
  esac
  children_ms >"$work/children.ms"
  ms0=$(<"$work/children.ms")
  timeout -k 5 $((seconds + warmup + openloop_drain + 60)) taskset -c "$load_cpu" "${cmd[@]}" >"$out" 2>&1 &
  gen_pid=$!
  wait "$gen_pid" || rc=$?
  gen_pid=""
  children_ms >"$work/children.ms"
  echo $((($(<"$work/children.ms") - ms0) * clk_tck / 1000)) >"$work/generator.ticks"
  if ((rc != 0)); then
    cat "$out" >&2
    ((rc != 124)) || log "the load generator did not finish in time"
    return 1
  fi
  case $scenario in
    h2) h2load_json "$out" "$work/h2load.log" ;;
    fixed-rate|paced) grep '^{' "$out" | tail -n1 | grep . ;;
    *) sed -n 's/^BENCH_RESULT //p' "$out" | grep . ;;
  esac >"$work/result.json" || { cat "$out" >&2; return 1; }
}

# h2load prints no percentiles: they come from its per-request log (status, microseconds).
h2load_json() {
  local out=$1 reqlog=$2 done_count rps errored timeouts s3 s4 s5 secs
  read -r secs rps < <(sed -n 's/^finished in \([0-9.]*\)s, \([0-9.]*\) req\/s.*/\1 \2/p' "$out")
  read -r done_count errored timeouts < <(sed -n \
    's/^requests: .* \([0-9]*\) done, .* \([0-9]*\) errored, \([0-9]*\) timeout.*/\1 \2 \3/p' "$out")
  read -r s3 s4 s5 < <(sed -n 's/^status codes: [0-9]* 2xx, \([0-9]*\) 3xx, \([0-9]*\) 4xx, \([0-9]*\) 5xx.*/\1 \2 \3/p' "$out")
  [[ -n "${rps:-}" && -n "${done_count:-}" && -n "${s5:-}" ]] || return 1
  cut -f3 "$reqlog" | sort -n | awk -v tool=h2load -v requests="$done_count" -v rps="$rps" -v secs="$secs" \
    -v errors=$((errored + timeouts)) -v non2xx=$((s3 + s4 + s5)) -v timeouts="$timeouts" '
    { v[NR] = $1; sum += $1 }
    function pct(p,  i) { i = int(p / 100 * NR); if (i < p / 100 * NR) i++; if (i < 1) i = 1; return v[i] }
    END {
      if (NR == 0) exit 1
      printf "{\"tool\":\"%s\",\"requests\":%d,\"duration_s\":%s,\"rps\":%s,\"p50_us\":%d,\"p90_us\":%d,", tool, requests, secs, rps, pct(50), pct(90)
      printf "\"p99_us\":%d,\"p999_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,\"errors\":%d,\"non2xx\":%d,\"timeouts\":%d,\"logged\":%d}\n", pct(99), pct(99.9), v[NR], sum / NR, errors, non2xx, timeouts, NR
    }'
}

jget() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" <<<"$2"; } # NAME JSON: a top-level number

# Noise: the share of a core's time, over WINDOW_US, that went to other processes: busy ticks
# of the core less our processes' (OURS) ticks. On a quiet machine it is near 0.
other_pct() { # BUSY_TICKS OURS_TICKS WINDOW_US
  awk -v b=$(($1 - $2)) -v t=$(($3 * clk_tck / 1000000)) 'BEGIN {printf "%.1f", (t > 0 && b > 0) ? 100 * b / t : 0}'
}

sum_ticks() { # PID...: utime + stime of these processes
  local pid total=0
  for pid in "$@"; do total=$((total + $(cpu_ticks "$pid"))); done
  echo "$total"
}

# Percentage of WINDOW_US a core was not idle (interrupts count as busy here).
busy_pct() { # IDLE_TICKS WINDOW_US
  awk -v i="$1" -v t=$(($2 * clk_tck / 1000000)) 'BEGIN {v = (t > 0) ? 100 * (t - i) / t : 0; printf "%.1f", v < 0 ? 0 : v}'
}

alive_or_die() { # NAME PID
  kill -0 "$2" 2>/dev/null || die "$1 (pid $2) is no longer running; see $work/$1.log"
}

# One measured run; appends a JSON line to $runs.
measure() {
  local scenario=$1 target=$2 round=$3 order=$4 pid reset=false result
  local proxies0 proxies1 origin0 origin1 idle0 irq0 idle1 irq1 lidle0 lirq0 lidle1 lirq1
  local window_s t0 t1 c0 c1
  local before=0 after=0 ticks=null rss=null own own_window
  pid=$(target_pid "$target")
  alive_or_die origin "$origin_pid"
  if [[ -n "$pid" ]]; then
    alive_or_die "$target" "$pid"
    reset_hwm "$pid" && reset=true
  fi
  # The target's CPU is read at the two ends of the window its CPU share is computed over.
  t0=$(now_us)
  [[ -z "$pid" ]] || before=$(cpu_ticks "$pid")
  proxies0=$(sum_ticks "${proxy_pids[@]}")
  origin0=$(sum_ticks "$origin_pid" "$origin_worker")
  c0=$(now_us)
  read -r idle0 irq0 < <(core_ticks "$proxy_cpu")
  read -r lidle0 lirq0 < <(core_ticks "$load_cpu")
  run_load "$scenario" "$target" "$duration" "$pid" "$openloop_warmup" \
    || die "$scenario: the load against $target failed (round $round)"
  if [[ -n "$pid" ]]; then
    alive_or_die "$target" "$pid"
    after=$(cpu_ticks "$pid")
  fi
  t1=$(now_us)
  read -r idle1 irq1 < <(core_ticks "$proxy_cpu")
  read -r lidle1 lirq1 < <(core_ticks "$load_cpu")
  c1=$(now_us)
  proxies1=$(sum_ticks "${proxy_pids[@]}")
  origin1=$(sum_ticks "$origin_pid" "$origin_worker")
  result=$(<"$work/result.json")
  window_s=$(awk -v us=$((t1 - t0)) 'BEGIN {printf "%.3f", us / 1e6}')
  if [[ -n "$pid" ]]; then
    ticks=$((after - before))
    rss=$(rss_hwm_kb "$pid")
    # OpenLoop samples the CPU itself, over its measured window only (not its warm-up).
    own=$(jget cpu_ticks "$result")
    own_window=$(jget cpu_window_s "$result")
    if [[ -n "$own" && "$own" != null && -n "$own_window" ]]; then
      ticks=$own
      window_s=$own_window
    fi
  fi
  local proxy_other load_other proxy_busy load_busy
  proxy_other=$(other_pct "$(busy_ticks $((c1 - c0)) $((idle1 - idle0)) $((irq1 - irq0)))" \
    $((proxies1 - proxies0)) $((c1 - c0)))
  load_other=$(other_pct "$(busy_ticks $((c1 - c0)) $((lidle1 - lidle0)) $((lirq1 - lirq0)))" \
    $((origin1 - origin0 + $(<"$work/generator.ticks"))) $((c1 - c0)))
  proxy_busy=$(busy_pct $((idle1 - idle0)) $((c1 - c0)))
  load_busy=$(busy_pct $((lidle1 - lidle0)) $((c1 - c0)))
  result=$(sed 's/,"cpu_ticks":[^,}]*//; s/,"cpu_window_s":[^,}]*//' "$work/result.json")
  printf '{"scenario":"%s","target":"%s","round":%d,"order":%d,%s,"cpu_ticks":%s,"clk_tck":%d,"window_s":%s,"rss_peak_kb":%s,"rss_peak_reset":%s,"proxy_core_other_pct":%s,"load_core_other_pct":%s,"proxy_core_busy_pct":%s,"load_core_busy_pct":%s,"generator_cpu_ticks":%d}\n' \
    "$scenario" "$target" "$round" "$order" "${result:1:${#result}-2}" "$ticks" "$clk_tck" "$window_s" "$rss" "$reset" \
    "$proxy_other" "$load_other" "$proxy_busy" "$load_busy" "$(<"$work/generator.ticks")" >>"$runs"
  local rate=""
  [[ "$(jget target_rps "$result")" == "" ]] || rate=" of $(jget target_rps "$result")"
  log "  $(printf '%-9s' "$target") $(jget rps "$result")$rate req/s, p50 $(jget p50_us "$result") µs," \
    "p99 $(jget p99_us "$result") µs, errors $(jget errors "$result"), non-2xx $(jget non2xx "$result");" \
    "others on CPU $proxy_cpu: $proxy_other%, on CPU $load_cpu: $load_other%"
}

warm() { # SCENARIO TARGET SECONDS: load that is not measured
  local scenario=$1
  [[ $scenario != paced && $scenario != fixed-rate ]] || scenario=h1 # OpenLoop warms up inside each run
  run_load "$scenario" "$2" "$3" || die "warm-up of $2 ($scenario) failed"
}

# ---- run --------------------------------------------------------------------------------------

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$root/bench/results"
mkdir -p "$results"
runs="$work/runs.jsonl"
: >"$runs"
t_start=$SECONDS

log "ports $base..$((base + 8)); proxies on CPU $proxy_cpu, origin and load generators on CPU $load_cpu"

# Before anything of ours runs: how busy are the two cores? Everything busy now is someone else.
c0=$(now_us)
read -r idle0 irq0 < <(core_ticks "$proxy_cpu")
read -r lidle0 lirq0 < <(core_ticks "$load_cpu")
sleep 1
read -r idle1 irq1 < <(core_ticks "$proxy_cpu")
read -r lidle1 lirq1 < <(core_ticks "$load_cpu")
c1=$(now_us)
busy_before=$(other_pct "$(busy_ticks $((c1 - c0)) $((idle1 - idle0)) $((irq1 - irq0)))" 0 $((c1 - c0)))
lbusy_before=$(other_pct "$(busy_ticks $((c1 - c0)) $((lidle1 - lidle0)) $((lirq1 - lirq0)))" 0 $((c1 - c0)))
if awk -v a="$busy_before" -v b="$lbusy_before" 'BEGIN {exit !(a > 10 || b > 10)}'; then
  log "warning: before starting, other processes kept CPU $proxy_cpu ${busy_before}% and CPU $load_cpu ${lbusy_before}% busy: expect noisy numbers"
fi
start_origin
# Outrigger first: the others start while the JVM does.
[[ " ${targets[*]} " != *" outrigger "* ]] || start_outrigger
[[ " ${targets[*]} " != *" nginx "* ]] || start_nginx
[[ " ${targets[*]} " != *" haproxy "* ]] || start_haproxy
[[ " ${targets[*]} " != *" outrigger "* ]] || wait_outrigger
# Every proxy process, running or idle: their CPU is ours when the noise on CPU $proxy_cpu is counted.
proxy_pids=()
for pid in "${nginx_master:-}" "${nginx_worker:-}" "${haproxy_pid:-}" "${outrigger_pid:-}"; do
  [[ -z "$pid" ]] || proxy_pids+=("$pid")
done
log "started: origin $origin_pid${nginx_master:+, nginx $nginx_master}${haproxy_pid:+, haproxy $haproxy_pid}${outrigger_pid:+, outrigger $outrigger_pid (JVM flags: ${outrigger_jvm_args:-none}; class data sharing archive: $outrigger_cds)}"

if ((jvm_warmup > 0)) && [[ " ${targets[*]} " == *" outrigger "* ]]; then
  log "warming up the JVM: ${jvm_warmup}s of h1 load on Outrigger"
  warm h1 outrigger "$jvm_warmup"
fi

cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)
versions() {
  printf 'nginx\t%s\n' "$(nginx -v 2>&1 | sed 's/.*nginx\///')"
  printf 'haproxy\t%s\n' "$(haproxy -v 2>/dev/null | sed -n '1s/^HAProxy version \([^ ]*\).*/\1/p')"
  printf 'wrk\t%s\n' "$(wrk -v 2>&1 | sed -n '1s/^wrk \([^ ]*\).*/\1/p')"
  printf 'h2load\t%s\n' "$(h2load --version 2>/dev/null | sed 's/.*nghttp2\///')"
  printf 'java\t%s\n' "$(java -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')"
  printf 'outrigger\t%s\n' "$("$root/bin/outrigger" --version 2>/dev/null | sed 's/^outrigger //')"
}

failed=0
warned=()
for scenario in "${scenarios[@]}"; do
  log "scenario $scenario: $(describe "$scenario") ($(load_of "$scenario"), ${rounds} x ${duration}s)"
  if ((scenario_warmup > 0)); then
    for t in "${targets[@]}"; do warm "$scenario" "$t" "$scenario_warmup"; done
  fi
  for ((r = 1; r <= rounds; r++)); do
    log " round $r"
    for ((k = 0; k < ${#targets[@]}; k++)); do
      t=${targets[$(((k + r - 1) % ${#targets[@]}))]} # rotate the order every round
      measure "$scenario" "$t" "$r" "$((k + 1))"
      sleep "$pause"
    done
  done
  meta="$work/meta-$scenario.tsv"
  {
    printf 'description\t%s\n' "$(describe "$scenario")"
    printf 'load\t%s\n' "$(load_of "$scenario")"
    printf 'timestamp\t%s\n' "$stamp"
    printf 'smoke\t%s\n' "$([[ $smoke == 1 ]] && echo true || echo false)"
    printf 'targets\t%s\n' "${targets[*]}"
    printf 'rounds\t%s\n' "$rounds"
    printf 'duration_s\t%s\n' "$duration"
    printf 'connections\t%s\n' "$connections"
    [[ $scenario != fixed-rate ]] || printf 'rate_rps\t%s\n' "$fixed_rate"
    [[ $scenario != paced ]] || printf 'rate_rps\t%s\n' "$paced_rate"
    [[ $scenario != h2 ]] || printf 'h2_clients\t%s\nh2_streams\t%s\n' "$h2_clients" "$h2_streams"
    printf 'jvm_warmup_s\t%s\n' "$jvm_warmup"
    printf 'scenario_warmup_s\t%s\n' "$scenario_warmup"
    printf 'openloop_warmup_s\t%s\n' "$openloop_warmup"
    printf 'proxy_cpu\t%s\n' "$proxy_cpu"
    printf 'load_cpu\t%s\n' "$load_cpu"
    printf 'cpu_model\t%s\n' "$cpu_model"
    printf 'cores\t%s\n' "$(nproc)"
    printf 'kernel\t%s\n' "$(uname -r)"
    printf 'irq_time_accounting\t%s\n' "$irq_accounting"
    printf 'proxy_core_busy_before_pct\t%s\n' "$busy_before"
    printf 'load_core_busy_before_pct\t%s\n' "$lbusy_before"
    printf 'outrigger_jvm_args\t%s\n' "${outrigger_jvm_args:-}"
    printf 'outrigger_cds\t%s\n' "${outrigger_cds:-}"
    printf 'outrigger_options\t%s\n' "--concurrency 1"
    versions
  } >"$meta"
  strict=()
  ((!smoke)) || strict=(--strict)
  rc=0
  java -XX:TieredStopAtLevel=1 -cp "$classes" Report --runs "$runs" --meta "$meta" --scenario "$scenario" \
    --json "$results/$scenario-$stamp.json" --md "$results/$scenario-$stamp.md" "${strict[@]}" || rc=$?
  case $rc in
    0) ;;
    3) warned+=("$scenario") ;; # written, with problems listed in it
    *) failed=1 ;;
  esac
done

log "done in $((SECONDS - t_start))s; results in bench/results/*-$stamp.{json,md}"
if ((failed)); then
  die "a check failed (see above)"
fi
if ((smoke)); then
  log "smoke: every target answered, no errors, every field present"
elif ((${#warned[@]})); then
  log "warning: the results of ${warned[*]} list problems (see above and the files)"
fi
