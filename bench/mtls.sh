#!/usr/bin/env bash
# bench/mtls.sh [--duration S] [--rounds N] [--connections C]
#
# What mutual TLS between two sidecars costs. Two chains of two Outrigger processes each,
#   wrk -> outbound sidecar -> inbound sidecar -> nginx origin
# one in plain text and one with mTLS between the sidecars (certificates from `outrigger ca`),
# measured in alternating rounds in the same run; prints req/s and latency of each and the
# ratios mTLS / plain. Sidecars on CPU 0 (--concurrency 1), origin and wrk on CPU 1.
# Loopback only. Needs wrk and nginx (bench/run.sh installs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh disable=SC1091
. "$root/bench/lib.sh"

duration=10 rounds=2 connections=50
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: bench/mtls.sh [--duration S] [--rounds N] [--connections C]" >&2; exit 2 ;;
  esac
done
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  echo "bench: needs wrk and nginx (bench/run.sh installs them)" >&2
  exit 1
fi
[[ -f "$root/sidecar/target/outrigger-sidecar.jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)

work=$(mktemp -d /tmp/outrigger-mtls.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_up() { # URL: until it answers
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: $1 did not come up; logs in $work" >&2; exit 1
}

# The origin.
p_origin=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000000; keepalive_timeout 300s;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$p_origin; location / { return 200 "ok\n"; } } }
EOF
taskset -c 1 nginx -p "$work" -c "$work/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$p_origin/"

# Certificates, as a user would make them.
"$root/bin/outrigger" ca init --trust-domain bench.local --out "$work/ca" >/dev/null
"$root/bin/outrigger" ca issue --spiffe-id spiffe://bench.local/ns/b/sa/server --ttl 24h --ca "$work/ca" --out "$work/in" >/dev/null
"$root/bin/outrigger" ca issue --spiffe-id spiffe://bench.local/ns/b/sa/client --ttl 24h --ca "$work/ca" --out "$work/out" >/dev/null

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
      tls_certificates: [{certificate_chain: {filename: $2/cert.pem}, private_key: {filename: $2/key.pem}}]
      validation_context:
        trusted_ca: {filename: $2/ca.pem}
        match_typed_subject_alt_names: [{san_type: URI, matcher: {prefix: "$3"}}]
EOF
}
sidecar() { # NAME ADMIN LISTEN TARGET MODE(plain|mtls) ROLE(in|out)
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
  OUTRIGGER_CDS=0 taskset -c 0 "$root/bin/outrigger" run -c "$f" --concurrency 1 >"$work/$1.log" 2>&1 &
  pids+=($!)
  wait_up "http://127.0.0.1:$2/ready"
}

declare -A rps p50 p99
for mode in plain mtls; do
  a_in=$(free_port); p_in=$(free_port); a_out=$(free_port); p_out=$(free_port)
  sidecar "$mode-in" "$a_in" "$p_in" "$p_origin" "$mode" in
  sidecar "$mode-out" "$a_out" "$p_out" "$p_in" "$mode" out
  eval "port_$mode=$p_out"
  eval "admin_in_$mode=$a_in"
  curl -fsS "http://127.0.0.1:$p_out/" >/dev/null || { echo "bench: the $mode chain does not answer; logs in $work" >&2; exit 1; }
done

ms() { # wrk latency value (123.45us, 1.23ms, 1.2s) -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'
}
for r in $(seq 1 "$rounds"); do
  for mode in plain mtls; do
    port_var="port_$mode"
    # Warm-up, then the measured run.
    taskset -c 1 wrk -t1 -c"$connections" -d3s "http://127.0.0.1:${!port_var}/" >/dev/null
    out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:${!port_var}/")
    rps[$mode]+=" $(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p50[$mode]+=" $(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
    p99[$mode]+=" $(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
    grep -q "Non-2xx\|Socket errors" <<<"$out" && echo "bench: round $r $mode had errors:" && grep "Non-2xx\|Socket errors" <<<"$out"
    echo "bench: round $r $mode: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s" >&2
  done
done

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
printf '%-6s %12s %10s %10s\n' chain req/s p50_us p99_us
for mode in plain mtls; do
  printf '%-6s %12.0f %10.0f %10.0f\n' "$mode" "$(median "${rps[$mode]}")" "$(median "${p50[$mode]}")" "$(median "${p99[$mode]}")"
done
awk -v a="$(median "${rps[mtls]}")" -v b="$(median "${rps[plain]}")" -v c="$(median "${p50[mtls]}")" -v d="$(median "${p50[plain]}")" \
    -v e="$(median "${p99[mtls]}")" -v f="$(median "${p99[plain]}")" \
    'BEGIN { printf "mtls/plain: req/s %.2f, p50 %.2f, p99 %.2f\n", a / b, c / d, e / f }'
for mode in plain mtls; do
  admin_var="admin_in_$mode"
  echo "$mode: connections the inbound sidecar accepted: $(curl -fsS "http://127.0.0.1:${!admin_var}/stats/prometheus" \
    | awk '/^outrigger_downstream_cx_total/ {s += $2} END {print s}')"
done
echo "TLS provider: $(curl -fsS "http://127.0.0.1:$a_out/certs" | sed -n 's/.*"tls_provider" : "\(.*\)".*/\1/p')"
