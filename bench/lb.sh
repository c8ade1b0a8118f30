#!/usr/bin/env bash
# bench/lb.sh [--duration S] [--rounds N] [--connections C] [--warmup S] [--quiet P]
#             [--only V[,V...]] [--rate R] [--delay MS]
#
# What Outrigger's load balancing policies do to latency when one endpoint of a cluster is
# slow: one sidecar,
#   wrk / OpenLoop -> Outrigger -> cluster "origin": fast1, fast2 (nginx, return 200) and
#                                  slow (answers --delay MS [20] after reading the request)
# in five variants, each its own Outrigger process with the same listener and route:
#   fast-only      ROUND_ROBIN over fast1 and fast2 alone: the best case
#   round-robin    ROUND_ROBIN over all three
#   least-request  LEAST_REQUEST (choice_count 2, the default) over all three
#   peak-ewma      load_balancing_policy outrigger.lb.v1.PeakEwma (decay 10s, default_rtt 30ms,
#                  the defaults) over all three
#   random         RANDOM over all three
# The slow endpoint is a Python ThreadingHTTPServer (a thread per connection, time.sleep, keep-
# alive; see start_slow_origin in bench/lib.sh); before measuring, the script checks it keeps a
# connection alive and, with one OpenLoop run straight to it at a third of --rate, that it holds
# the delay at that rate.
#
# Layout as in bench/policy.sh: every sidecar on CPU 0 with one event loop; the three endpoints,
# wrk and OpenLoop on CPU 1. Each round measures every variant once, in an order rotated every
# round, twice: closed loop (wrk -t1 -cC [50] for --duration S [10] after 3 s of unmeasured
# load), then open loop (bench/OpenLoop.java at --rate R [3000] req/s on C connections: 2 s of
# unmeasured warm-up, then --duration S measured, latency from each request's scheduled time).
# Each sidecar first gets --warmup S [30] of load for the JIT (and its latency estimates). The
# noise gate is bench/mtls.sh's: a run starts once other processes have used at most --quiet P
# [10] % of a core for a second (it waits up to 5 minutes; --quiet 200 never waits), and is
# repeated up to 4 times when they used more during it: the quietest attempt counts.
#
# Why 3000 req/s: the slow endpoint holds a request for 20 ms, so on the 50 connections of the
# load generator it alone could serve at most 50 / 20 ms = 2500 req/s, less than the rate;
# a policy blind to latency sends it a third, 1000 req/s, which keeps 20 requests (and so 20 of
# the 50 connections) waiting on it at any time: the rate is still met, and what differs
# between the policies is how often a request waits 20 ms, which shows in p99 (more than 1 % of
# requests to the slow endpoint) and p99.9 (more than 0.1 %).
#
# Prints per variant the medians over --rounds N [3]: closed loop req/s (and their range), p50,
# p99, the sidecar's CPU time per request; open loop p50, p99, p99.9 and the send lag's p99;
# and for both the share of requests each endpoint got (rq_total per endpoint in the sidecar's
# /clusters, before and after each kept run: for the open loop its 2 s warm-up included); the
# share of a core other processes used meanwhile; the ratios to round-robin and to fast-only;
# then the checks: wrk and OpenLoop saw no error or non-2xx response.
#
# --only round-robin,fast-only   measures only these variants (fast-only, round-robin,
#                    least-request, peak-ewma, random); each ratio needs its reference.
# --rate R           the open loop's rate, req/s [3000]
# --delay MS         the slow endpoint's delay, ms [20]
#
# BENCH_KEEP_WORKDIR=1 keeps the temporary directory (configs, logs).
# Loopback only. Needs wrk, nginx, curl, python3 and a JDK (javac, java).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$root/bench/lib.sh"

all_variants="fast-only round-robin least-request peak-ewma random"
duration=10 rounds=3 connections=50 warmup=30 quiet=10 only=${all_variants// /,} rate=3000 delay=20
more_option() { # NAME VALUE
  case $1 in
    --rate) rate=$2 ;;
    --delay) delay=$2 ;;
    *) return 1 ;;
  esac
}
parse_options "$@"
[[ "$rate$delay" =~ ^[0-9]+$ ]] && ((rate > 0 && delay > 0)) || { echo "bench: --rate and --delay must be whole and > 0" >&2; exit 2; }
only_variants

PATH="$PATH:/usr/sbin:/sbin"
for tool in wrk nginx curl taskset ss python3 java javac; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (bench/run.sh installs it)" >&2; exit 1; }
done
[[ -f "$root/sidecar/target/outrigger-sidecar.jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)

bench_workdir lb
machine_line "sidecars"
open_loop_setup

# ---- the endpoints ---------------------------------------------------------------------------

start_ok_nginx fast1; p_fast1=$port_got
start_ok_nginx fast2; p_fast2=$port_got
start_slow_origin slow "$delay"; p_slow=$port_got
echo "bench: endpoints fast1 :$p_fast1, fast2 :$p_fast2 (nginx), slow :$p_slow (python3, ${delay} ms), all on CPU 1" >&2

# The slow endpoint keeps a connection alive (curl reuses it) and holds the delay at a third of
# the rate, on its own.
reuse=$(curl -sv "http://127.0.0.1:$p_slow/" "http://127.0.0.1:$p_slow/" 2>&1 | grep -c "Re-using existing connection" || true)
((reuse == 1)) || { echo "bench: the slow endpoint did not keep the connection alive; logs in $work" >&2; exit 1; }
port[slow-direct]=$p_slow
wait_quiet
open_loop slow-direct $((rate / 3))
echo "bench: the slow endpoint alone at $((rate / 3)) req/s (OpenLoop, ${duration}s): $(json_num rps "$out") req/s," \
  "p50 $(json_num p50_us "$out") us, p99 $(json_num p99_us "$out") us, p99.9 $(json_num p999_us "$out") us," \
  "$(($(json_num errors "$out") + $(json_num non2xx "$out"))) errors; connection kept alive" >&2
slow_check=$out

# ---- the sidecars ----------------------------------------------------------------------------

cluster_of() { # VARIANT: the cluster's balancing fields
  case $1 in
    fast-only|round-robin) echo "    lb_policy: ROUND_ROBIN" ;;
    least-request) echo "    lb_policy: LEAST_REQUEST" ;;
    random) echo "    lb_policy: RANDOM" ;;
    peak-ewma)
      cat <<EOF
    lb_policy: LOAD_BALANCING_POLICY_CONFIG
    load_balancing_policy:
      policies:
      - typed_extension_config:
          name: peak-ewma
          typed_config: {"@type": type.googleapis.com/outrigger.lb.v1.PeakEwma}
EOF
      ;;
  esac
}
declare -A admin endpoints # variant -> its admin port; its endpoints' ports (comma-separated)
# Requests sent to each endpoint, from /clusters: "fast1 fast2 slow" (0 for one not in the cluster).
endpoint_rq() { # VARIANT
  curl -fsS "http://127.0.0.1:${admin[$1]}/clusters" | awk -F'::' -v a="127.0.0.1:$p_fast1" \
    -v b="127.0.0.1:$p_fast2" -v c="127.0.0.1:$p_slow" '
    $1 == "origin" && $3 == "rq_total" { n[$2] = $4 }
    END { printf "%d %d %d\n", n[a], n[b], n[c] }'
}
for v in "${variants[@]}"; do
  endpoints[$v]="$p_fast1,$p_fast2,$p_slow"
  [[ $v != fast-only ]] || endpoints[$v]="$p_fast1,$p_fast2"
  new_port; admin[$v]=$port_got
  new_port; port[$v]=$port_got
  one_route_bootstrap "${admin[$v]}" "${port[$v]}" "${endpoints[$v]}" "" "" "$(cluster_of "$v")" >"$work/$v.yaml"
  run_outrigger "$v" "$work/$v.yaml" "${admin[$v]}"
  chain_pids[$v]=$outrigger_pid
  chains+=("$v")
  # Before anything is measured: 200 from every endpoint of the cluster (6 requests, round robin
  # or not: at least one to each is likely, and /clusters must list each with its requests).
  for _ in 1 2 3 4 5 6; do
    got=$(curl -sS -w ' %{http_code}' "http://127.0.0.1:${port[$v]}/" | tr -d '\n')
    [[ $got == "ok 200" || $got == "slow 200" ]] || { echo "bench: $v answered '$got'; logs in $work" >&2; exit 1; }
  done
  n_listed=$(curl -fsS "http://127.0.0.1:${admin[$v]}/clusters" | grep -c '^origin::127\.0\.0\.1:[0-9]*::rq_total::' || true)
  [[ $n_listed == $(tr ',' '\n' <<<"${endpoints[$v]}" | wc -l) ]] \
    || { echo "bench: $v: /clusters lists $n_listed endpoints, not ${endpoints[$v]}; logs in $work" >&2; exit 1; }
  echo "bench: $v: sidecar :${port[$v]} (admin :${admin[$v]}) -> ${endpoints[$v]}; 6 requests got 200, rq_total per endpoint: $(endpoint_rq "$v")" >&2
done

# ---- the runs --------------------------------------------------------------------------------

before_run() { rq_before=$(endpoint_rq "$1"); }
after_run() { # the requests each endpoint got during the run, "fast1:fast2:slow", and their shares
  local b a
  read -r -a b <<<"$rq_before"
  read -r -a a <<<"$(endpoint_rq "$1")"
  run_data="$((a[0] - b[0])):$((a[1] - b[1])):$((a[2] - b[2]))"
  run_note="; $(shares "$run_data")"
}
shares() { # "f1:f2:slow ..." (summed): the shares in %
  tr ' ' '\n' <<<"$1" | awk -F: 'NF == 3 { a += $1; b += $2; c += $3 }
    END { t = a + b + c; if (t == 0) t = 1; printf "fast1 %.1f%% fast2 %.1f%% slow %.2f%%", 100 * a / t, 100 * b / t, 100 * c / t }'
}
slow_pct() { tr ' ' '\n' <<<"$1" | awk -F: 'NF == 3 { t += $1 + $2 + $3; c += $3 } END { printf "%.2f", t ? 100 * c / t : 0 }'; }

warm_up "${chains[@]}"
n=${#chains[@]}
for r in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((n - 1))); do
    c=${chains[$(((k + r - 1) % n))]}
    measure "$c" "$r"
    measure_open "$c" "$r" "$rate"
  done
done

# ---- the table -------------------------------------------------------------------------------

msec() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
echo
echo "medians of $rounds rounds of ${duration}s; closed loop: wrk -t1 -c$connections; open loop: OpenLoop at $rate req/s"
echo "on $connections connections; latency in ms; slow_%: the slow endpoint's share of the requests (${delay} ms"
echo "delay); cpu_us/req: the sidecar's CPU time per request; others: CPU other processes used (range)"
printf '%-14s %8s %13s %6s %6s %7s %7s | %6s %6s %7s %7s %7s | %8s\n' variant req/s "req/s range" p50 p99 cpu_us slow_% \
  o_p50 o_p99 o_p99.9 o_lag99 o_slow% "others_%"
for c in "${chains[@]}"; do
  printf '%-14s %8.0f %13s %6s %6s %7.1f %7s | %6s %6s %7s %7s %7s | %8s\n' "$c" "$(median "${rps[$c]}")" "$(range "${rps[$c]}")" \
    "$(msec "$(median "${p50[$c]}")")" "$(msec "$(median "${p99[$c]}")")" "$(median "${cpu[$c]}")" "$(slow_pct "${kept[$c]}")" \
    "$(msec "$(median "${o_p50[$c]}")")" "$(msec "$(median "${o_p99[$c]}")")" "$(msec "$(median "${o_p999[$c]}")")" \
    "$(msec "$(median "${o_lag99[$c]}")")" "$(slow_pct "${kept_open[$c]}")" "$(range "${others[$c]} ${o_others[$c]}")"
done
echo
echo "shares of the requests per endpoint (kept runs, summed over the rounds)"
for c in "${chains[@]}"; do
  printf '  %-14s closed: %s   open: %s\n' "$c" "$(shares "${kept[$c]}")" "$(shares "${kept_open[$c]}")"
done
lb_ratios() { # LABEL A B: A / B of the medians, closed loop and open loop
  awk -v l="$1" -v a="$(median "${rps[$2]}")" -v b="$(median "${rps[$3]}")" -v c="$(median "${p50[$2]}")" \
    -v d="$(median "${p50[$3]}")" -v e="$(median "${p99[$2]}")" -v f="$(median "${p99[$3]}")" \
    -v g="$(median "${o_p50[$2]}")" -v h="$(median "${o_p50[$3]}")" -v i="$(median "${o_p99[$2]}")" \
    -v j="$(median "${o_p99[$3]}")" -v k="$(median "${o_p999[$2]}")" -v m="$(median "${o_p999[$3]}")" \
    'BEGIN { printf "  %-30s req/s %.2f  p50 %.2f  p99 %.2f | open p50 %.2f  p99 %.2f  p99.9 %.2f\n", l, a / b, c / d, e / f, g / h, i / j, k / m }'
}
for ref in round-robin fast-only; do
  [[ -n ${rps[$ref]:-} ]] || continue
  echo
  echo "ratios to $ref (medians)"
  for c in "${chains[@]}"; do [[ $c == "$ref" ]] || lb_ratios "$c / $ref" "$c" "$ref"; done
done

# ---- the checks ------------------------------------------------------------------------------

echo
echo "checks: the slow endpoint alone at $((rate / 3)) req/s: p50 $(json_num p50_us "$slow_check") us, p99" \
  "$(json_num p99_us "$slow_check") us, p99.9 $(json_num p999_us "$slow_check") us, $(json_num rps "$slow_check") req/s;"
echo "requests wrk sent to each sidecar over the whole run (warm-up and unmeasured loads included) and"
echo "the errors and non-2xx responses it saw; OpenLoop's errors, timeouts and non-2xx in the kept runs"
for c in "${chains[@]}"; do
  printf '  %-14s %9s requests, %s errors or non-2xx; open loop %s\n' "$c" "${served[$c]}" "${failed[$c]:-0}" "${o_errors[$c]:-0}"
done
echo "versions: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(python3 --version)," \
  "$(java -version 2>&1 | head -n1), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
