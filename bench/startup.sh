#!/usr/bin/env bash
# Time from starting bin/outrigger to its first 200 from /ready, with the class data sharing
# archive and without, and the resident memory at that moment. See docs/performance.md#startup.
#
#   bench/startup.sh [RUNS]      (default 5 of each, interleaved)
#
# Uses bin/outrigger's default JVM flags (OUTRIGGER_JVM_FLAGS replaces them) and a one-listener,
# one-cluster configuration. The archive is written first if it is missing or stale.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${1:-5}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "startup: RUNS must be a positive number" >&2; exit 2; }
for tool in curl java ss; do
  command -v "$tool" >/dev/null 2>&1 || { echo "startup: $tool is missing" >&2; exit 1; }
done
[[ -f "$root/sidecar/target/outrigger-sidecar.jar" ]] || { echo "startup: build first: mvn -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d /tmp/outrigger-startup.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib.sh
. "$root/bench/lib.sh"
admin=$(free_port)
listener=$(free_port)
# The cluster's endpoint is the discard port: nothing is proxied, only the start is timed.
one_route_bootstrap "$admin" "$listener" 9 >"$work/startup.yaml"

# One start: prints "ms_to_ready rss_kb" and stops it.
one() {
  local t0 t1 pid rss
  t0=$(date +%s%N)
  "$root/bin/outrigger" run --config "$work/startup.yaml" >"$work/run.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$admin/ready"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/run.log" >&2; echo "startup: Outrigger exited" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  local jvm
  jvm=$(pgrep -P "$pid" java || echo "$pid") # the JVM is a child only in a run that writes the archive
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$jvm/status")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$(((t1 - t0) / 1000000)) $rss"
}

archive="${OUTRIGGER_CDS_ARCHIVE:-$root/sidecar/target/outrigger-cds.jsa}"
if [[ ! -f "$archive" || ! "$archive" -nt "$root/sidecar/target/outrigger-sidecar.jar" ]]; then
  echo "startup: writing the class data sharing archive (one run)" >&2
  one >/dev/null
fi

: >"$work/cds"
: >"$work/nocds"
for ((i = 0; i < runs; i++)); do
  one >>"$work/cds"
  OUTRIGGER_CDS=0 one >>"$work/nocds"
done
summary() { # FILE LABEL
  sort -n "$1" | awk -v label="$2" '{ms[NR] = $1; rss[NR] = $2}
    END {m = int((NR + 1) / 2); printf "%-16s ready ms: median %d (min %d, max %d); RSS at ready: median %.0f MiB\n",
      label, ms[m], ms[1], ms[NR], rss[m] / 1024}'
}
echo "$(nproc) cores, $runs runs each; JVM flags: ${OUTRIGGER_JVM_FLAGS-bin/outrigger defaults}"
summary "$work/cds" "with archive"
summary "$work/nocds" "without archive"
