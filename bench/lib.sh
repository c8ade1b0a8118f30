# Shared by the benchmark scripts (sourced, not run): free_port and one_route_bootstrap by
# bench/profile.sh, bench/startup.sh, bench/policy.sh and bench/lb.sh; the rest by bench/mtls.sh,
# bench/policy.sh and bench/lb.sh.
# The caller sets root, and for the second part work, quiet, connections, duration, warmup and
# rounds (see there); the results are left in variables for the caller (outrigger_pid, ...).
# shellcheck shell=bash disable=SC2154,SC2034

# A loopback port nothing listens on, picked at random from 20000-29999.
free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 50); do
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "bench: no free port" >&2
  exit 1
}

# ADMIN_PORT LISTENER_PORT UPSTREAM_PORT [FILTERS [ROUTE_MORE [CLUSTER_MORE]]]: an Outrigger
# bootstrap with one HTTP listener routing everything to one static cluster, "origin", on
# 127.0.0.1:UPSTREAM_PORT (a comma-separated list of ports: one endpoint each, in that order).
# FILTERS: http_filters entries (YAML indented by 10 spaces) before the router; ROUTE_MORE: more
# fields of the route action, in flow style after a comma (", rate_limits: [...]"); CLUSTER_MORE:
# more fields of the cluster (YAML indented by 4 spaces: "    lb_policy: RANDOM").
one_route_bootstrap() {
  local filters=${4:-} cluster_more=${6:-} endpoints="" p
  [[ -z $filters ]] || filters+=$'\n'
  [[ -z $cluster_more ]] || cluster_more+=$'\n'
  for p in ${3//,/ }; do endpoints+="${endpoints:+, }{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $p}}}}"; done
  cat <<CONF
admin:
  address: {socket_address: {address: 127.0.0.1, port_value: $1}}
static_resources:
  listeners:
  - name: outbound
    address: {socket_address: {address: 127.0.0.1, port_value: $2}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: outbound
          route_config:
            virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: origin${5:-}}}]}]
          http_filters:
${filters}          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
  clusters:
  - name: origin
    type: STATIC
${cluster_more}    load_assignment:
      cluster_name: origin
      endpoints: [{lb_endpoints: [$endpoints]}]
CONF
}

# ---- bench/mtls.sh, bench/policy.sh and bench/lb.sh ------------------------------------------
# The layout of all three: the proxies under test on CPU 0, the nginx origin and wrk (and whatever
# else the load needs) on CPU 1. The caller sets, before using these: work (a directory from
# bench_workdir), quiet (the noise gate's limit, % of a core), connections, duration, warmup
# and rounds (for measure_rounds), and for each chain (one path wrk measures, by a name) port[CHAIN]
# (where wrk sends) and chain_pids[CHAIN] (the processes whose CPU time is its cost), and the
# array chains (every chain, in the order of the first round). wrk_args: more wrk arguments.

pids=()       # every process started, stopped on exit
taken=" "     # ports handed out
wrk_args=()
chains=()
declare -A port chain_pids
declare -A served failed      # chain -> requests it served, and errors wrk saw (all load, measured or not)
declare -A rps p50 p99 cpu others measured during # chain -> per round, of the kept run
hz=$(getconf CLK_TCK)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; } # the script's head comment
parse_options() { # "$@": --duration, --rounds, --connections, --warmup, --quiet, --only, -h, and
  # what the caller's more_option NAME VALUE takes (it fails on an option it does not know)
  while [[ $# -gt 0 ]]; do
    case $1 in
      --duration) duration=$2; shift 2 ;;
      --rounds) rounds=$2; shift 2 ;;
      --connections) connections=$2; shift 2 ;;
      --warmup) warmup=$2; shift 2 ;;
      --quiet) quiet=$2; shift 2 ;;
      --only) only=$2; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *)
        if [[ $# -ge 2 ]] && declare -F more_option >/dev/null && more_option "$1" "$2"; then shift 2; else usage >&2; exit 2; fi ;;
    esac
  done
  [[ "$duration$rounds$connections$warmup$quiet" =~ ^[0-9]+$ ]] || { echo "bench: numbers must be whole" >&2; exit 2; }
}
only_variants() { # sets the array variants from --only: the names of $all_variants it lists, in its order
  local v
  variants=()
  for v in ${only//,/ }; do
    [[ " $all_variants " == *" $v "* ]] || { echo "bench: unknown variant '$v' in --only (known: $all_variants)" >&2; exit 2; }
    variants+=("$v")
  done
  ((${#variants[@]})) || { echo "bench: --only names no variant" >&2; exit 2; }
}
bench_workdir() { # NAME: makes $work and stops every process in $pids on exit
  work=$(mktemp -d "/tmp/outrigger-$1.XXXXXX")
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local rc=$? p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((rc == 0)) && [[ ${BENCH_KEEP_WORKDIR:-0} != 1 ]]; then rm -rf "$work"; else echo "bench: configs and logs kept in $work" >&2; fi
}
machine_line() { # WHO: where it runs, on stderr
  echo "bench: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg); $1 on CPU 0, origin and wrk on CPU 1" >&2
}

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

nginx_http() { # NAME: the start of an nginx configuration with its own pid and temp files
  mkdir -p "$work/$1.tmp"
  cat <<CONF
worker_processes 1; daemon off; pid $work/$1.pid; error_log $work/$1.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000000; keepalive_timeout 300s;
  client_body_temp_path $work/$1.tmp; proxy_temp_path $work/$1.tmp; fastcgi_temp_path $work/$1.tmp;
  uwsgi_temp_path $work/$1.tmp; scgi_temp_path $work/$1.tmp;
CONF
}
run_nginx() { # NAME CPU
  taskset -c "$2" nginx -p "$work" -e "$work/$1.err" -c "$work/$1.conf" >"$work/$1.log" 2>&1 &
  pids+=($!)
}
start_origin() { # sets $p_origin: nginx on CPU 1 answering every request 200 "ok\n"
  start_ok_nginx origin
  p_origin=$port_got
}
start_ok_nginx() { # NAME: sets $port_got: an nginx named NAME on CPU 1 answering every request 200 "ok\n"
  new_port
  {
    nginx_http "$1"
    echo "  server { listen 127.0.0.1:$port_got backlog=4096; location / { return 200 \"ok\\n\"; } } }"
  } >"$work/$1.conf"
  run_nginx "$1" 1
  wait_up "http://127.0.0.1:$port_got/"
}
# NAME DELAY_MS: sets $port_got and $slow_pid: on CPU 1, a Python ThreadingHTTPServer (a thread
# per connection, so any number of requests wait at once) answering every GET, on keep-alive
# connections, 200 "slow\n" DELAY_MS after reading it (time.sleep), status line, headers and
# body in one write with Nagle off.
start_slow_origin() {
  new_port
  cat >"$work/$1.py" <<'PY'
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY = float(sys.argv[2]) / 1000
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nslow\n"

class Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True

    def do_GET(self):
        time.sleep(DELAY)
        self.wfile.write(RESPONSE)

    def log_message(self, *args):
        pass

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 4096

Server(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
PY
  taskset -c 1 python3 "$work/$1.py" "$port_got" "$2" >"$work/$1.log" 2>&1 &
  pids+=($!)
  slow_pid=$!
  wait_up "http://127.0.0.1:$port_got/"
}
run_outrigger() { # NAME CONFIG ADMIN_PORT [JAVA_OPTS]: on CPU 0, one event loop; sets $outrigger_pid (the JVM)
  JAVA_OPTS="-XX:ActiveProcessorCount=1 ${4:-}" OUTRIGGER_CDS=0 \
    taskset -c 0 "$root/bin/outrigger" run -c "$2" --concurrency 1 >"$work/$1.log" 2>&1 &
  pids+=($!)
  outrigger_pid=$!
  wait_up "http://127.0.0.1:$3/ready"
}

ms() { # wrk latency value (123.45us, 1.23ms, 1.2s) -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'
}
load() { # CHAIN SECONDS [--latency]: wrk's output in $out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"$2s" ${3:+"$3"} "${wrk_args[@]}" "http://127.0.0.1:${port[$1]}/")
  served[$1]=$((${served[$1]:-0} + $(awk '/requests in/ {print $1}' <<<"$out")))
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then
    echo "bench: $1 had errors: $(grep "Non-2xx\|Socket errors" <<<"$out" | tr '\n' ' ')" >&2
    failed[$1]=$((${failed[$1]:-0} + $(awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")))
  fi
}
warm_up() { # CHAIN...: --warmup seconds of load each, for the JIT
  local c
  ((warmup > 0)) || return 0
  for c in "$@"; do
    echo "bench: warming up $c for ${warmup}s" >&2
    load "$c" "$warmup"
  done
}

# CPU time: utime + stime from /proc/PID/stat, in clock ticks.
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
our_ticks() { # of every process in $pids, and of this script's children (cutime + cstime: wrk, curl)
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

# The measured runs: --rounds rounds, each running every chain once in an order rotated every
# round. A run: wait_quiet, 3 s of unmeasured load, then --duration s measured (wrk --latency),
# repeated up to 4 times while others used more than --quiet % of a core: the quietest attempt
# counts. Hooks the caller may define: before_run CHAIN and after_run CHAIN around the measured
# load; after_run may set run_note (appended to the progress line), run_count (summed over
# the kept runs in during[CHAIN]) and run_data (a word appended, for the kept run, to
# kept[CHAIN]; measure_open's to kept_open[CHAIN]).
measure_rounds() {
  local r k n=${#chains[@]}
  for r in $(seq 1 "$rounds"); do
    for k in $(seq 0 $((n - 1))); do measure "${chains[$(((k + r - 1) % n))]}" "$r"; done
  done
}
measure() { # CHAIN ROUND
  local c=$1 cp best="" attempt t0 f0 o0 c0 c1 busy requests us best_out best_us best_requests best_count best_data
  read -r -a cp <<<"${chain_pids[$c]}"
  for attempt in 1 2 3 4 5; do
    wait_quiet
    load "$c" 3 # unmeasured
    run_note="" run_count=0 run_data=""
    ! declare -F before_run >/dev/null || before_run "$c"
    t0=$EPOCHREALTIME f0=$(free_ticks) o0=$(our_ticks) c0=$(ticks_of "${cp[@]}")
    load "$c" "$duration" --latency
    c1=$(ticks_of "${cp[@]}")
    busy=$(others_pct "$t0" "$f0" "$o0" "$EPOCHREALTIME" "$(free_ticks)" "$(our_ticks)")
    ! declare -F after_run >/dev/null || after_run "$c"
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    us=$(awk -v t=$((c1 - c0)) -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    echo "bench: round $2 $c: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s," \
      "p50 $(awk '$1 == "50%" {print $2}' <<<"$out"), p99 $(awk '$1 == "99%" {print $2}' <<<"$out")," \
      "$us µs CPU per request; others used $busy% of a core$run_note" >&2
    if [[ -z $best ]] || ((busy < best)); then
      best=$busy best_out=$out best_us=$us best_requests=$requests best_count=$run_count best_data=$run_data
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
  during[$c]=$((${during[$c]:-0} + best_count))
  kept[$c]+=" $best_data"
}

# Open loop: bench/OpenLoop.java at a fixed rate. open_loop_setup compiles it into $work once;
# measure_open CHAIN ROUND RATE runs it on CPU 1 against port[CHAIN] (--connections, 2 s of
# unmeasured warm-up inside the run, --duration s measured, up to 2 s for late answers), with
# measure's noise gate, repetition and hooks; the quietest attempt's values are appended to
# o_rps, o_p50, o_p99, o_p999 (µs), o_lag99 (send lag p99, µs), o_others and o_errors (errors,
# timeouts and non-2xx of the measured requests), by chain.
declare -A o_rps o_p50 o_p99 o_p999 o_lag99 o_others o_errors kept kept_open
open_loop_setup() {
  javac -d "$work/classes" "$root/bench/OpenLoop.java" || { echo "bench: javac of bench/OpenLoop.java failed" >&2; exit 1; }
}
open_loop() { # CHAIN RATE: OpenLoop's JSON in $out
  out=$(taskset -c 1 java -XX:+UseSerialGC -Xms512m -Xmx512m -Xmn400m -cp "$work/classes" OpenLoop \
    --url "http://127.0.0.1:${port[$1]}/" --rate "$2" --connections "$connections" --duration "$duration" \
    --warmup 2 --drain 2 | grep '^{' | tail -n1)
  [[ -n $out ]] || { echo "bench: OpenLoop against $1 printed no result" >&2; exit 1; }
}
json_num() { sed -n "s/.*\"$1\":\([-0-9.]*\).*/\1/p" <<<"$2"; } # FIELD JSON: a number, empty when null
measure_open() { # CHAIN ROUND RATE
  local c=$1 best="" attempt t0 f0 o0 busy errs best_out best_data
  for attempt in 1 2 3 4 5; do
    wait_quiet
    run_note="" run_count=0 run_data=""
    ! declare -F before_run >/dev/null || before_run "$c"
    t0=$EPOCHREALTIME f0=$(free_ticks) o0=$(our_ticks)
    open_loop "$c" "$3"
    busy=$(others_pct "$t0" "$f0" "$o0" "$EPOCHREALTIME" "$(free_ticks)" "$(our_ticks)")
    ! declare -F after_run >/dev/null || after_run "$c"
    errs=$(($(json_num errors "$out") + $(json_num non2xx "$out")))
    echo "bench: round $2 $c at $3 req/s: $(json_num rps "$out") req/s, p50 $(json_num p50_us "$out") us," \
      "p99 $(json_num p99_us "$out") us, p99.9 $(json_num p999_us "$out") us, send lag p99" \
      "$(json_num send_lag_p99_us "$out") us, $errs errors; others used $busy% of a core$run_note" >&2
    if [[ -z $best ]] || ((busy < best)); then best=$busy best_out=$out best_data=$run_data; fi
    ((busy > quiet && attempt < 5)) || break
    echo "bench: more than $quiet%: run again" >&2
  done
  o_rps[$c]+=" $(json_num rps "$best_out")"
  o_p50[$c]+=" $(json_num p50_us "$best_out")"
  o_p99[$c]+=" $(json_num p99_us "$best_out")"
  o_p999[$c]+=" $(json_num p999_us "$best_out")"
  o_lag99[$c]+=" $(json_num send_lag_p99_us "$best_out")"
  o_errors[$c]=$((${o_errors[$c]:-0} + $(json_num errors "$best_out") + $(json_num non2xx "$best_out")))
  o_others[$c]+=" $best"
  kept_open[$c]+=" $best_data"
}

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
range() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.0f-%.0f", lo, hi}'; }
print_table() { # FIRST_COLUMN_NAME: a row per chain, the medians over rounds
  local c
  printf '%-16s %8s %13s %8s %8s %11s %10s\n' "$1" req/s "req/s range" p50_us p99_us cpu_us/req "others_%"
  for c in "${chains[@]}"; do
    printf '%-16s %8.0f %13s %8.0f %8.0f %11.1f %10s\n' "$c" "$(median "${rps[$c]}")" "$(range "${rps[$c]}")" \
      "$(median "${p50[$c]}")" "$(median "${p99[$c]}")" "$(median "${cpu[$c]}")" "$(range "${others[$c]}")"
  done
}
ratios() { # LABEL CHAIN_A CHAIN_B: A / B of the medians
  awk -v l="$1" -v a="$(median "${rps[$2]}")" -v b="$(median "${rps[$3]}")" -v c="$(median "${p50[$2]}")" \
    -v d="$(median "${p50[$3]}")" -v e="$(median "${p99[$2]}")" -v f="$(median "${p99[$3]}")" \
    -v g="$(median "${cpu[$2]}")" -v h="$(median "${cpu[$3]}")" \
    'BEGIN { printf "%-34s req/s %.2f   p50 %.2f   p99 %.2f   cpu/req %.2f (%+.1f us)\n", l, a / b, c / d, e / f, g / h, g - h }'
}
