#!/usr/bin/env bash
# Profiles Outrigger under HTTP/1.1 keep-alive load with Java Flight Recorder and prints where
# the CPU and the allocations go. See docs/performance.md#profiling.
#
#   bench/profile.sh [--h2] [--warmup SECONDS] [--duration SECONDS] [--top N]
#
# Layout as in bench/run.sh: Outrigger (1 event loop) pinned to BENCH_PROXY_CPU [0], an nginx
# origin and the load on BENCH_LOAD_CPU [1]: wrk -t1 -c50 (HTTP/1.1 keep-alive), or with --h2
# h2load -c1 -m100 (HTTP/2 prior knowledge; upstream stays HTTP/1.1). The JVM gets bin/outrigger's default flags
# (OUTRIGGER_JVM_FLAGS replaces them). Writes bench/results/profile-<timestamp>.jfr and
# .txt; open the .jfr in JDK Mission Control for flame graphs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
warmup=30
duration=20
top=25
h2=0
while (($#)); do
  case "$1" in
    --h2) h2=1 ;;
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --top) top=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ "$warmup$duration$top" =~ ^[0-9]+$ ]] || { echo "profile: --warmup, --duration and --top take whole numbers" >&2; exit 2; }
proxy_cpu=${BENCH_PROXY_CPU:-0}
load_cpu=${BENCH_LOAD_CPU:-1}
PATH="$PATH:/usr/sbin:/sbin"
for tool in nginx wrk h2load curl java taskset; do
  command -v "$tool" >/dev/null 2>&1 || { echo "profile: $tool is missing (bench/run.sh installs it)" >&2; exit 1; }
done
[[ -f "$root/sidecar/target/outrigger-sidecar.jar" ]] || { echo "profile: build first: mvn -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d /tmp/outrigger-profile.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=lib.sh
. "$root/bench/lib.sh"
origin_port=$(free_port); proxy_port=$(free_port); admin_port=$(free_port)

cat >"$work/origin.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/origin.pid;
error_log $work/origin.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$origin_port; location / { return 200 "ok\n"; } }
}
CONF
mkdir -p "$work/tmp"
taskset -c "$load_cpu" nginx -p "$work" -e "$work/origin.error.log" -c "$work/origin.conf" >"$work/origin.log" 2>&1 &
pids+=($!)

one_route_bootstrap "$admin_port" "$proxy_port" "$origin_port" >"$work/proxy.yaml"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$root/bench/results"
jfr="$root/bench/results/profile-$stamp.jfr"
# DebugNonSafepoints: samples name the method actually running, not the nearest safepoint.
recording="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
recording+=" -XX:StartFlightRecording=filename=$jfr,settings=$root/bench/profile.jfc,delay=${warmup}s,duration=${duration}s"
JAVA_OPTS="-XX:ActiveProcessorCount=1 $recording ${JAVA_OPTS:-}" OUTRIGGER_CDS=0 \
  taskset -c "$proxy_cpu" "$root/bin/outrigger" run --config "$work/proxy.yaml" --concurrency 1 >"$work/outrigger.log" 2>&1 &
outrigger_pid=$! # taskset and bin/outrigger exec, so this is the JVM
pids+=("$outrigger_pid")
deadline=$((SECONDS + 30))
until curl -fs -o /dev/null "http://127.0.0.1:$proxy_port/"; do
  ((SECONDS < deadline)) || { cat "$work/outrigger.log" >&2; echo "profile: Outrigger did not start" >&2; exit 1; }
  sleep 0.1
done

echo "profile: ${warmup}s of load before recording, ${duration}s recorded" >&2
url="http://127.0.0.1:$proxy_port/"
if ((h2)); then
  taskset -c "$load_cpu" h2load -c1 -m100 -D "$((warmup + duration + 2))" "$url" | grep -E "^finished in" >&2
else
  taskset -c "$load_cpu" wrk -t1 -c50 -d"$((warmup + duration + 2))s" "$url" | grep -E "Requests/sec" >&2
fi
# The recording stopped after its duration; the file is complete once the JVM has exited.
kill -TERM "$outrigger_pid"
wait "$outrigger_pid" || true
[[ -s "$jfr" ]] || { echo "profile: no recording was written; see $work/outrigger.log" >&2; exit 1; }
java "$root/bench/JfrTop.java" "$jfr" "$top" | tee "$root/bench/results/profile-$stamp.txt"
echo "profile: recording in $jfr" >&2
