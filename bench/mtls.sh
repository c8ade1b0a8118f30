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
# shellcheck source=lib.sh
. "$root/bench/lib.sh"

duration=10 rounds=2 connections=50 warmup=30 quiet=10 only="outrigger,nginx,haproxy" profile=""
more_option() { [[ $1 == --profile ]] && profile=$2; } # NAME VALUE
parse_options "$@"
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

bench_workdir mtls
machine_line proxies

# ---- the origin, the certificates ------------------------------------------------------------

start_origin

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
  run_outrigger "$1" "$f" "$2" "${7:-}"
  side_pid[$6]=$outrigger_pid
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

# port[chain]: the outbound proxy's port (where wrk sends); chain_pids[chain]: its two proxies'
# processes (nginx: the masters)
declare -A in_port  # chain -> the inbound proxy's port
declare -A status   # chain -> the inbound proxy's admin / status port
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

before_run() { accepted "$1"; a0=$acc; }
after_run() { accepted "$1"; run_count=$((acc - a0)) run_note="; the inbound accepted $((acc - a0)) connections"; }
[[ " ${proxies[*]} " != *" outrigger "* ]] || warm_up outrigger-plain outrigger-mtls
measure_rounds

# ---- the table -------------------------------------------------------------------------------

echo
echo "medians of $rounds rounds of ${duration}s, wrk -t1 -c$connections, 3-byte responses; cpu_us/req: both"
echo "proxies of the chain, CPU time per request; others: CPU other processes used meanwhile (range)"
print_table chain
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
