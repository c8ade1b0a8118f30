#!/usr/bin/env bash
# bench/mtls.sh [--duration S] [--rounds N] [--connections C] [--warmup S] [--quiet P]
#               [--only P[,P...]] [--profile in|out]
#
# What mutual TLS between two proxies costs, for Outrigger and, as baselines in the same run,
# nginx and HAProxy. Per proxy two chains of two processes each,
#   wrk -> outbound proxy -> inbound proxy -> nginx origin
# one in plain text and one with mTLS between the two proxies: TLS 1.3 only, certificates
# from `outrigger ca` (EC P-256), connections kept alive on both hops.
#   Outrigger: UpstreamTlsContext / DownstreamTlsContext with require_client_certificate and a
#     URI SAN match each way.
#   nginx: proxy_ssl_certificate, proxy_ssl_verify on and an upstream keepalive pool out;
#     ssl_verify_client on in. (nginx checks a host name, so its inbound serves the same key
#     with a certificate from the same CA that adds a DNS name.)
#   HAProxy: `server ... ssl crt ... ca-file ... verify required` and http-reuse always out;
#     `bind ... ssl crt ... ca-file ... verify required` in.
# nginx and HAProxy use TLS_AES_128_GCM_SHA256, the suite BoringSSL (Outrigger) picks.
#
# Every proxy on CPU 0 with one worker / thread / event loop; the origin and wrk on CPU 1.
# Each round measures every chain once (wrk -t1 -cC [50] for --duration S [10] after 3 s of
# unmeasured load), in an order rotated every round; Outrigger's chains first get --warmup S
# [30] of load for the JIT. A run starts once other processes have used at most --quiet P [10]
# % of a core for a second (it waits up to 5 minutes; --quiet 200 never waits), and is repeated
# up to 4 times when they used more during it: the quietest attempt counts.
#
# Prints per chain the medians over --rounds N [2] of req/s (and their range), p50, p99 and
# the CPU time of the chain's two proxies per request, with the share of a core other
# processes used meanwhile; the ratios mTLS / plain per proxy, and of Outrigger's mTLS chain
# to nginx's and HAProxy's; then the checks: the connections each inbound proxy accepted
# (connection reuse), and that every mTLS inbound negotiates TLS 1.3 and refuses TLS 1.2.
#
# --only outrigger,nginx   measures only these proxies (outrigger, nginx, haproxy)
# --profile in|out         instead of the comparison: Outrigger's mTLS chain only, the inbound
#   or outbound sidecar under Java Flight Recorder (bench/profile.jfc plus native-method
#   samples): --warmup S of load, then --duration S recorded; writes
#   bench/results/profile-mtls-SIDE-<timestamp>.jfr and .txt (bench/JfrTop.java's summary).
#
# BENCH_KEEP_WORKDIR=1 keeps the temporary directory (configs, certificates, logs).
# Loopback only. Needs wrk, nginx, HAProxy, openssl (bench/run.sh installs the first three).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh disable=SC1091
. "$root/bench/lib.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
duration=10 rounds=2 connections=50 warmup=30 quiet=10 only="outrigger,nginx,haproxy" profile=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --quiet) quiet=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$duration$rounds$connections$warmup$quiet" =~ ^[0-9]+$ ]] || { echo "bench: numbers must be whole" >&2; exit 2; }
[[ -z $profile || $profile == in || $profile == out ]] || { echo "bench: --profile in or out" >&2; exit 2; }
[[ -z $profile ]] || only=outrigger
proxies=()
for p in ${only//,/ }; do
  [[ $p == outrigger || $p == nginx || $p == haproxy ]] || { echo "bench: unknown proxy '$p' in --only" >&2; exit 2; }
  proxies+=("$p")
done
((${#proxies[@]})) || { echo "bench: --only names no proxy" >&2; exit 2; }

PATH="$PATH:/usr/sbin:/sbin"
for tool in wrk nginx curl openssl taskset ss; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (bench/run.sh installs wrk and nginx)" >&2; exit 1; }
done
if [[ " ${proxies[*]} " == *" haproxy "* ]] && ! command -v haproxy >/dev/null; then
  echo "bench: needs haproxy (bench/run.sh installs it), or leave it out with --only" >&2
  exit 1
fi
[[ -f "$root/sidecar/target/outrigger-sidecar.jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)

work=$(mktemp -d /tmp/outrigger-mtls.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((rc == 0)) && [[ ${BENCH_KEEP_WORKDIR:-0} != 1 ]]; then rm -rf "$work"; else echo "bench: configs and logs kept in $work" >&2; fi
}
trap cleanup EXIT

taken=" "
new_port() { # sets $port_got: like free_port, and never one handed out before (nothing listens there yet)
  local p
  p=$(free_port)
  while [[ $taken == *" $p "* ]]; do p=$(free_port); done
  taken+="$p "
  port_got=$p
}
wait_up() { # URL: until it answers
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: $1 did not come up; logs in $work" >&2; exit 1
}
wait_listen() { # PORT: until something listens on it
  for _ in $(seq 1 300); do ss -Htln "sport = :$1" | grep -q . && return 0; sleep 0.1; done
  echo "bench: nothing listens on port $1; logs in $work" >&2; exit 1
}

echo "bench: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg); proxies on CPU 0, origin and wrk on CPU 1" >&2

# ---- the origin, the certificates ------------------------------------------------------------

nginx_http() { # NAME: the start of an nginx configuration with its own pid and temp files
  mkdir -p "$work/$1.tmp"
  cat <<EOF
worker_processes 1; daemon off; pid $work/$1.pid; error_log $work/$1.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000000; keepalive_timeout 300s;
  client_body_temp_path $work/$1.tmp; proxy_temp_path $work/$1.tmp; fastcgi_temp_path $work/$1.tmp;
  uwsgi_temp_path $work/$1.tmp; scgi_temp_path $work/$1.tmp;
EOF
}
run_nginx() { # NAME CPU
  taskset -c "$2" nginx -p "$work" -e "$work/$1.err" -c "$work/$1.conf" >"$work/$1.log" 2>&1 &
  pids+=($!)
}

new_port; p_origin=$port_got
{
  nginx_http origin
  cat <<EOF
  server { listen 127.0.0.1:$p_origin backlog=4096; location / { return 200 "ok\n"; } } }
EOF
} >"$work/origin.conf"
run_nginx origin 1
wait_up "http://127.0.0.1:$p_origin/"

# Certificates, as a user would make them: "in" serves, "out" calls.
"$root/bin/outrigger" ca init --trust-domain bench.local --out "$work/ca" >/dev/null
"$root/bin/outrigger" ca issue --spiffe-id spiffe://bench.local/ns/b/sa/server --ttl 24h --ca "$work/ca" --out "$work/in" >/dev/null
"$root/bin/outrigger" ca issue --spiffe-id spiffe://bench.local/ns/b/sa/client --ttl 24h --ca "$work/ca" --out "$work/out" >/dev/null
for side in in out; do cat "$work/$side/cert.pem" "$work/$side/key.pem" >"$work/$side/crt-key.pem"; done # HAProxy's crt
# nginx checks a host name whenever proxy_ssl_verify is on, and a SPIFFE certificate names only a
# URI. So the inbound nginx serves the same key with a certificate from the same CA and with the
# same extensions that adds DNS:bench-server (the name the outbound nginx expects).
openssl req -new -key "$work/in/key.pem" -subj / -out "$work/in/nginx.csr" 2>/dev/null
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth,clientAuth" \
  "subjectAltName=critical,URI:spiffe://bench.local/ns/b/sa/server,DNS:bench-server" >"$work/in/nginx.ext"
openssl x509 -req -in "$work/in/nginx.csr" -CA "$work/ca/ca.pem" -CAkey "$work/ca/ca-key.pem" -set_serial "0x$(openssl rand -hex 16)" \
  -days 1 -extfile "$work/in/nginx.ext" -out "$work/in/nginx-cert.pem" 2>/dev/null

# ---- Outrigger -------------------------------------------------------------------------------

hcm() { # STAT_PREFIX CLUSTER
  cat <<EOF
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: $1
          route_config:
            virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: $2}}]}]
          http_filters:
          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
EOF
}
tls() { # KIND(Downstream|Upstream) DIR PEER_PREFIX INDENT
  sed "s/^/$4/" <<EOF
transport_socket:
  name: envoy.transport_sockets.tls
  typed_config:
    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.${1}TlsContext
$([[ $1 == Downstream ]] && echo "    require_client_certificate: true")
    common_tls_context:
      tls_params: {tls_minimum_protocol_version: TLSv1_3}
      tls_certificates: [{certificate_chain: {filename: $2/cert.pem}, private_key: {filename: $2/key.pem}}]
      validation_context:
        trusted_ca: {filename: $2/ca.pem}
        match_typed_subject_alt_names: [{san_type: URI, matcher: {prefix: "$3"}}]
EOF
}
declare -A side_pid # in|out -> the JVM of the last Outrigger chain started (for --profile)
outrigger_proxy() { # NAME ADMIN LISTEN TARGET MODE(plain|mtls) ROLE(in|out) [JAVA_OPTS]
  local f="$work/$1.yaml"
  {
    echo "admin: {address: {socket_address: {address: 127.0.0.1, port_value: $2}}}"
    echo "static_resources:"
    echo "  listeners:"
    echo "  - name: $6"
    echo "    address: {socket_address: {address: 127.0.0.1, port_value: $3}}"
    echo "    filter_chains:"
    echo "    - filters:"
    hcm "$6" next
    [[ $5 == mtls && $6 == in ]] && tls Downstream "$work/in" spiffe://bench.local/ "      "
    echo "  clusters:"
    echo "  - name: next"
    echo "    load_assignment: {endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $4}}}}]}]}"
    [[ $5 == mtls && $6 == out ]] && tls Upstream "$work/out" spiffe://bench.local/ns/b/sa/server "    "
  } >"$f"
  JAVA_OPTS="-XX:ActiveProcessorCount=1 ${7:-}" OUTRIGGER_CDS=0 \
    taskset -c 0 "$root/bin/outrigger" run -c "$f" --concurrency 1 >"$work/$1.log" 2>&1 &
  pids+=($!)
  side_pid[$6]=$!
  wait_up "http://127.0.0.1:$2/ready"
}

# ---- nginx -----------------------------------------------------------------------------------

nginx_proxy() { # NAME LISTEN TARGET MODE ROLE STATUS_PORT
  local scheme=http listen_tls="" upstream_tls="" server_tls=""
  if [[ $4 == mtls && $5 == out ]]; then
    scheme=https
    upstream_tls="proxy_ssl_certificate $work/out/cert.pem; proxy_ssl_certificate_key $work/out/key.pem;
      proxy_ssl_trusted_certificate $work/out/ca.pem; proxy_ssl_verify on; proxy_ssl_verify_depth 2;
      proxy_ssl_name bench-server; proxy_ssl_protocols TLSv1.3; proxy_ssl_session_reuse on;
      proxy_ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;"
  elif [[ $4 == mtls && $5 == in ]]; then
    listen_tls="ssl"
    server_tls="ssl_certificate $work/in/nginx-cert.pem; ssl_certificate_key $work/in/key.pem;
    ssl_client_certificate $work/in/ca.pem; ssl_verify_client on; ssl_verify_depth 2;
    ssl_protocols TLSv1.3; ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;"
  fi
  {
    nginx_http "$1"
    cat <<EOF
  upstream next { server 127.0.0.1:$3; keepalive 256; keepalive_requests 1000000000; keepalive_timeout 300s; }
  server {
    listen 127.0.0.1:$2 $listen_tls backlog=4096;
    $server_tls
    location / {
      proxy_pass $scheme://next; proxy_http_version 1.1; proxy_set_header Connection "";
      $upstream_tls
    }
  }
  server { listen 127.0.0.1:$6; location / { stub_status; } } }
EOF
  } >"$work/$1.conf"
  run_nginx "$1" 0
  wait_listen "$2"
}

# ---- HAProxy ---------------------------------------------------------------------------------

haproxy_proxy() { # NAME LISTEN TARGET MODE ROLE STATUS_PORT
  local bind_tls="" server_tls="" maxconn=$((($(ulimit -n) - 200) / 2))
  ((maxconn <= 10000)) || maxconn=10000
  if [[ $4 == mtls && $5 == out ]]; then
    server_tls="ssl crt $work/out/crt-key.pem ca-file $work/out/ca.pem verify required ssl-min-ver TLSv1.3 ciphersuites TLS_AES_128_GCM_SHA256"
  elif [[ $4 == mtls && $5 == in ]]; then
    bind_tls="ssl crt $work/in/crt-key.pem ca-file $work/in/ca.pem verify required ssl-min-ver TLSv1.3 ciphersuites TLS_AES_128_GCM_SHA256"
  fi
  cat >"$work/$1.cfg" <<EOF
global
  nbthread 1
  maxconn $maxconn
defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
  http-reuse always
frontend $5
  bind 127.0.0.1:$2 $bind_tls
  default_backend next
backend next
  server next 127.0.0.1:$3 $server_tls
frontend stats
  bind 127.0.0.1:$6
  stats enable
  stats uri /
EOF
  taskset -c 0 haproxy -db -f "$work/$1.cfg" >"$work/$1.log" 2>&1 &
  pids+=($!)
  wait_listen "$2"
}

# ---- the chains ------------------------------------------------------------------------------

declare -A port     # chain -> the outbound proxy's port (where wrk sends)
declare -A in_port  # chain -> the inbound proxy's port
declare -A status   # chain -> the inbound proxy's admin / status port
declare -A chain_pids # chain -> its two proxies' processes (nginx: the masters)
chains=()
start_chain() { # PROXY MODE [JAVA_OPTS for the profiled sidecar] [in|out]
  local c="$1-$2" p_in p_out s_in s_out opts_in="" opts_out="" first=${#pids[@]}
  if [[ ${4:-} == in ]]; then opts_in=$3; elif [[ ${4:-} == out ]]; then opts_out=$3; fi
  new_port; p_in=$port_got
  new_port; p_out=$port_got
  new_port; s_in=$port_got
  new_port; s_out=$port_got
  case $1 in
    outrigger)
      outrigger_proxy "$c-in" "$s_in" "$p_in" "$p_origin" "$2" in "$opts_in"
      outrigger_proxy "$c-out" "$s_out" "$p_out" "$p_in" "$2" out "$opts_out" ;;
    nginx)
      nginx_proxy "$c-in" "$p_in" "$p_origin" "$2" in "$s_in"
      nginx_proxy "$c-out" "$p_out" "$p_in" "$2" out "$s_out" ;;
    haproxy)
      haproxy_proxy "$c-in" "$p_in" "$p_origin" "$2" in "$s_in"
      haproxy_proxy "$c-out" "$p_out" "$p_in" "$2" out "$s_out" ;;
  esac
  port[$c]=$p_out in_port[$c]=$p_in status[$c]=$s_in chain_pids[$c]="${pids[*]:$first}"
  chains+=("$c")
  wait_up "http://127.0.0.1:$p_out/"
  echo "bench: $c: outbound :$p_out -> inbound :$p_in (status :$s_in) -> origin :$p_origin" >&2
}

if [[ -n $profile ]]; then
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$root/bench/results"
  jfr="$root/bench/results/profile-mtls-$profile-$stamp.jfr"
  # DebugNonSafepoints: samples name the method actually running. Native-method samples: the
  # time in BoringSSL (JNI) and in system calls, which execution samples do not see.
  sed 's|</configuration>|  <event name="jdk.NativeMethodSample">\n    <setting name="enabled">true</setting>\n    <setting name="period">5 ms</setting>\n  </event>\n</configuration>|' \
    "$root/bench/profile.jfc" >"$work/profile.jfc"
  rec="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
  rec+=" -XX:StartFlightRecording=filename=$jfr,settings=$work/profile.jfc,delay=${warmup}s,duration=${duration}s"
  start_chain outrigger mtls "$rec" "$profile"
  echo "bench: ${warmup}s of load, then ${duration}s recorded on the $profile sidecar" >&2
  taskset -c 1 wrk -t1 -c"$connections" -d"$((warmup + duration + 2))s" "http://127.0.0.1:${port[outrigger-mtls]}/" \
    | grep -E "Requests/sec|requests in|Non-2xx|Socket errors" >&2
  kill -TERM "${side_pid[$profile]}" # the recording is complete once the JVM has exited
  wait "${side_pid[$profile]}" || true
  java "$root/bench/JfrTop.java" "$jfr" 25 | tee "${jfr%.jfr}.txt"
  echo "bench: recording in $jfr" >&2
  exit 0
fi

for p in "${proxies[@]}"; do
  for mode in plain mtls; do start_chain "$p" "$mode"; done
done

# ---- measuring -------------------------------------------------------------------------------

ms() { # wrk latency value (123.45us, 1.23ms, 1.2s) -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'
}
declare -A served # chain -> requests it served (all load, measured or not)
load() { # CHAIN SECONDS [--latency]: wrk's output in $out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"$2s" ${3:+"$3"} "http://127.0.0.1:${port[$1]}/")
  served[$1]=$((${served[$1]:-0} + $(awk '/requests in/ {print $1}' <<<"$out")))
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then
    echo "bench: $1 had errors: $(grep "Non-2xx\|Socket errors" <<<"$out" | tr '\n' ' ')" >&2
  fi
}

# CPU time: utime + stime from /proc/PID/stat, in clock ticks.
hz=$(getconf CLK_TCK)
ticks_of() { # PID...: of these processes and their children (nginx workers)
  local p t=0 stat all
  read -r -a all < <(pgrep -d ' ' -P "$(IFS=,; echo "$*")" || true)
  for p in "$@" "${all[@]}"; do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    t=$((t + $(awk '{print $12 + $13}' <<<"$stat")))
  done
  echo "$t"
}
our_ticks() { # of every proxy and the origin, and of this script's children (cutime + cstime: wrk, curl)
  echo $(($(awk '{print $16 + $17}' "/proc/$$/stat") + $(ticks_of "${pids[@]}")))
}

# Noise: the CPU that processes not ours used on the two cores, in % of one core: the two cores'
# busy time (the wall clock less idle time, which the kernel measures precisely) less our
# processes' time. Interrupt time is in a process's time unless the kernel accounts it apart
# (CONFIG_IRQ_TIME_ACCOUNTING; see bench/run.sh): then it is left out of busy too.
irq_apart=1
{ zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null || true; } \
  | grep -q '^# CONFIG_IRQ_TIME_ACCOUNTING is not set' && irq_apart=0
free_ticks() { # idle (and, when accounted apart, interrupt) ticks of CPUs 0 and 1
  awk -v irq=$irq_apart '$1 == "cpu0" || $1 == "cpu1" {t += $5 + $6 + irq * ($7 + $8)} END {print t}' /proc/stat
}
others_pct() { # T0 F0 O0 T1 F1 O1: between two samples of $EPOCHREALTIME, free_ticks, our_ticks
  awk -v v="$1" -v w="$4" -v f=$(($5 - $2)) -v o=$(($6 - $3)) -v hz="$hz" \
    'BEGIN {n = 2 * (w - v) * hz - f - o; printf "%.0f", 100 * n / ((w - v) * hz)}'
}
wait_quiet() { # until others use at most --quiet % of a core over a second (5 minutes at most)
  local t0 f0 o0 busy i
  for i in $(seq 0 299); do
    t0=$EPOCHREALTIME f0=$(free_ticks) o0=$(our_ticks)
    sleep 1
    busy=$(others_pct "$t0" "$f0" "$o0" "$EPOCHREALTIME" "$(free_ticks)" "$(our_ticks)")
    ((busy <= quiet)) && return 0
    ((i % 15)) || echo "bench: waiting: other processes use $busy% of a core" >&2
  done
}

declare -A status_calls
accepted() { # CHAIN: sets $acc, the connections the inbound proxy has accepted so far
  local s=${status[$1]}
  case $1 in
    outrigger-*) acc=$(curl -fsS "http://127.0.0.1:$s/stats/prometheus" | awk '/^outrigger_downstream_cx_total/ {n += $2} END {print n}') ;;
    nginx-*) # less the connections of the status requests, this one included
      status_calls[$1]=$((${status_calls[$1]:-0} + 1))
      acc=$(curl -fsS "http://127.0.0.1:$s/" | awk -v n="${status_calls[$1]}" 'NR == 3 {print $1 - n}') ;;
    haproxy-*) acc=$(curl -fsS "http://127.0.0.1:$s/;csv" | awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "conn_tot") k = i}
      $1 == "in" && $2 == "FRONTEND" {print $k}') ;;
  esac
}

# ---- the runs --------------------------------------------------------------------------------

if [[ " ${proxies[*]} " == *" outrigger "* ]] && ((warmup > 0)); then
  for c in outrigger-plain outrigger-mtls; do
    echo "bench: warming up $c for ${warmup}s" >&2
    load "$c" "$warmup"
  done
fi
declare -A rps p50 p99 cpu others measured during
for r in $(seq 1 "$rounds"); do
  n=${#chains[@]}
  for k in $(seq 0 $((n - 1))); do
    c=${chains[$(((k + r - 1) % n))]} # rotate the order every round
    read -r -a cp <<<"${chain_pids[$c]}"
    best=""
    for attempt in 1 2 3 4 5; do
      wait_quiet
      load "$c" 3 # unmeasured
      accepted "$c"; a0=$acc
      t0=$EPOCHREALTIME f0=$(free_ticks) o0=$(our_ticks) c0=$(ticks_of "${cp[@]}")
      load "$c" "$duration" --latency
      c1=$(ticks_of "${cp[@]}")
      busy=$(others_pct "$t0" "$f0" "$o0" "$EPOCHREALTIME" "$(free_ticks)" "$(our_ticks)")
      accepted "$c"; a1=$acc
      requests=$(awk '/requests in/ {print $1}' <<<"$out")
      us=$(awk -v t=$((c1 - c0)) -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
      echo "bench: round $r $c: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s," \
        "p50 $(awk '$1 == "50%" {print $2}' <<<"$out"), p99 $(awk '$1 == "99%" {print $2}' <<<"$out")," \
        "$us µs CPU per request; others used $busy% of a core; the inbound accepted $((a1 - a0)) connections" >&2
      # The quietest attempt counts.
      if [[ -z $best ]] || ((busy < best)); then
        best=$busy best_out=$out best_us=$us best_requests=$requests best_accepted=$((a1 - a0))
      fi
      ((busy > quiet && attempt < 5)) || break
      echo "bench: more than $quiet%: run again" >&2
    done
    rps[$c]+=" $(awk '/Requests\/sec/ {print $2}' <<<"$best_out")"
    p50[$c]+=" $(ms "$(awk '$1 == "50%" {print $2}' <<<"$best_out")")"
    p99[$c]+=" $(ms "$(awk '$1 == "99%" {print $2}' <<<"$best_out")")"
    cpu[$c]+=" $best_us"
    others[$c]+=" $best"
    measured[$c]=$((${measured[$c]:-0} + best_requests))
    during[$c]=$((${during[$c]:-0} + best_accepted))
  done
done

# ---- the table -------------------------------------------------------------------------------

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
range() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.0f-%.0f", lo, hi}'; }
echo
echo "medians of $rounds rounds of ${duration}s, wrk -t1 -c$connections, 3-byte responses; cpu_us/req: both"
echo "proxies of the chain, CPU time per request; others: CPU other processes used meanwhile (range)"
printf '%-16s %8s %13s %8s %8s %11s %10s\n' chain req/s "req/s range" p50_us p99_us cpu_us/req "others_%"
for c in "${chains[@]}"; do
  printf '%-16s %8.0f %13s %8.0f %8.0f %11.1f %10s\n' "$c" "$(median "${rps[$c]}")" "$(range "${rps[$c]}")" \
    "$(median "${p50[$c]}")" "$(median "${p99[$c]}")" "$(median "${cpu[$c]}")" "$(range "${others[$c]}")"
done
ratios() { # LABEL CHAIN_A CHAIN_B: A / B of the medians
  awk -v l="$1" -v a="$(median "${rps[$2]}")" -v b="$(median "${rps[$3]}")" -v c="$(median "${p50[$2]}")" \
    -v d="$(median "${p50[$3]}")" -v e="$(median "${p99[$2]}")" -v f="$(median "${p99[$3]}")" \
    -v g="$(median "${cpu[$2]}")" -v h="$(median "${cpu[$3]}")" \
    'BEGIN { printf "%-34s req/s %.2f   p50 %.2f   p99 %.2f   cpu/req %.2f (%+.1f us)\n", l, a / b, c / d, e / f, g / h, g - h }'
}
echo
for p in "${proxies[@]}"; do ratios "$p mTLS / plain" "$p-mtls" "$p-plain"; done
for p in nginx haproxy; do
  [[ -z ${rps[$p-mtls]:-} || -z ${rps[outrigger-mtls]:-} ]] || ratios "outrigger mTLS / $p mTLS" outrigger-mtls "$p-mtls"
done
for p in nginx haproxy; do
  [[ -z ${rps[$p-plain]:-} || -z ${rps[outrigger-plain]:-} ]] || ratios "(outrigger plain / $p plain)" outrigger-plain "$p-plain"
done

# ---- the checks ------------------------------------------------------------------------------

echo
echo "connection reuse: connections the inbound proxy accepted during the measured runs, over the"
echo "whole run (the unmeasured loads and the runs' starts included), and open to it now"
for c in "${chains[@]}"; do
  accepted "$c"
  printf '  %-16s %4s for %8s requests; %4s for %8s requests; %3s open\n' "$c" "${during[$c]}" "${measured[$c]}" \
    "$acc" "${served[$c]}" "$(ss -Htn state established "dport = :${in_port[$c]}" | wc -l)"
done
echo "TLS 1.3 only: every mTLS inbound, asked by openssl s_client with the client certificate and"
echo "offering the TLS 1.3 suites in BoringSSL's order (as Outrigger's outbound does)"
for c in "${chains[@]}"; do
  [[ $c == *-mtls ]] || continue
  s_client=(openssl s_client -connect "127.0.0.1:${in_port[$c]}" -cert "$work/out/cert.pem" -key "$work/out/key.pem"
    -CAfile "$work/out/ca.pem" -brief
    -ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256)
  got=$("${s_client[@]}" </dev/null 2>&1 | awk -F': ' '/^Protocol version/ {v = $2} /^Ciphersuite/ {s = $2} END {print v, s}')
  if "${s_client[@]}" -tls1_2 </dev/null >/dev/null 2>&1; then old="TLS 1.2 ACCEPTED"; else old="TLS 1.2 refused"; fi
  printf '  %-16s %s; %s\n' "$c" "$got" "$old"
done
if [[ " ${proxies[*]} " == *" outrigger "* ]]; then
  echo "Outrigger's TLS provider: $(curl -fsS "http://127.0.0.1:${status[outrigger-mtls]}/certs" | sed -n 's/.*"tls_provider" : "\(.*\)".*/\1/p')"
fi
echo "versions: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(haproxy -v 2>/dev/null | head -n1 | cut -d' ' -f1-3)," \
  "$(java -version 2>&1 | head -n1), $(openssl version)"
