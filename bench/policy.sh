#!/usr/bin/env bash
# bench/policy.sh [--duration S] [--rounds N] [--connections C] [--warmup S] [--quiet P]
#                 [--only V[,V...]]
#
# What Outrigger's policy filters cost per request, end to end: one sidecar,
#   wrk -> Outrigger -> nginx origin
# in five variants, each its own Outrigger process with the same route, measured in one run:
#   none           only the router (the baseline)
#   rbac           envoy.extensions.filters.http.rbac.v3.RBAC, ALLOW, 21 policies: 20 that never
#                  match (url_path prefix /api/vN/ and direct_remote_ip 10.N.0.0/16), then
#                  "loopback" (remote_ip 127.0.0.0/8) last: every request tries all 21
#   local-rl       envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, enabled and
#                  enforced for every request: the default bucket and a per-value descriptor
#                  bucket for `user` (from the route's request_headers action on x-user), both
#                  of 4294967295 tokens a second, so they never run dry
#   rbac+local-rl  both, RBAC first
#   redis-rl       outrigger.ratelimit.v1.RedisRateLimit on the same `user` descriptor, limit
#                  4294967295 a SECOND, timeout 0.1s, against a redis-server this script starts
#                  on loopback: one Redis round trip (EVALSHA) per request
# wrk sends `x-user: bench` to every variant.
#
# Layout as in bench/mtls.sh: every sidecar on CPU 0 with one event loop; the origin, Redis and
# wrk on CPU 1. Each round measures every variant once (wrk -t1 -cC [50] for --duration S [10]
# after 3 s of unmeasured load), in an order rotated every round; each sidecar first gets
# --warmup S [30] of load for the JIT. The noise gate is bench/mtls.sh's: a run starts once
# other processes have used at most --quiet P [10] % of a core for a second (it waits up to 5
# minutes; --quiet 200 never waits), and is repeated up to 4 times when they used more during
# it: the quietest attempt counts.
#
# Before measuring, one curl through each sidecar must get the origin's 200. Prints per variant
# the medians over --rounds N [3] of req/s (and their range), p50, p99 and the sidecar's CPU
# time per request, with the share of a core other processes used meanwhile; the ratios to
# `none` and the differences in latency and CPU; then the checks: wrk saw no error or non-2xx
# response, the filters' decision counters (RBAC allowed by "loopback", rate limit "ok") grew
# by at least the requests served, no rate limit decision fell back on the failure mode, and
# Redis ran the counting script (EVALSHA) once per request.
#
# --only none,rbac   measures only these variants (none, rbac, local-rl, rbac+local-rl,
#                    redis-rl); the ratios need none.
#
# BENCH_KEEP_WORKDIR=1 keeps the temporary directory (configs, logs).
# Loopback only. Needs wrk, nginx, curl, redis-server and redis-cli.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$root/bench/lib.sh"

all_variants="none rbac local-rl rbac+local-rl redis-rl"
duration=10 rounds=3 connections=50 warmup=30 quiet=10 only=${all_variants// /,}
parse_options "$@"
only_variants

PATH="$PATH:/usr/sbin:/sbin"
for tool in wrk nginx curl taskset ss redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (bench/run.sh installs it)" >&2; exit 1; }
done
[[ -f "$root/sidecar/target/outrigger-sidecar.jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)

bench_workdir policy
machine_line sidecars
start_origin
wrk_args=(-H "x-user: bench")

# ---- the filters -----------------------------------------------------------------------------

rbac_filter() { # 20 policies that never match the benchmark's requests, then one that does
  local n
  cat <<EOF
          - name: rbac
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
              rules:
                action: ALLOW
                policies:
EOF
  # Tried in the lexicographic order of their names: api-v01 ... api-v20, then loopback.
  for n in $(seq 1 20); do
    printf '                  api-v%02d:\n' "$n"
    echo "                    permissions: [{url_path: {path: {prefix: /api/v$n/}}}]"
    echo "                    principals: [{direct_remote_ip: {address_prefix: 10.$n.0.0, prefix_len: 16}}]"
  done
  echo "                  loopback:"
  echo "                    permissions: [{any: true}]"
  echo "                    principals: [{remote_ip: {address_prefix: 127.0.0.0, prefix_len: 8}}]"
}
huge_bucket="{max_tokens: 4294967295, tokens_per_fill: 4294967295, fill_interval: 1s}"
local_rl_filter() {
  cat <<EOF
          - name: local-rl
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
              stat_prefix: bench
              filter_enabled: {default_value: {numerator: 100}}
              filter_enforced: {default_value: {numerator: 100}}
              token_bucket: $huge_bucket
              descriptors:
              - entries: [{key: user, value: ""}]
                token_bucket: $huge_bucket
EOF
}
redis_rl_filter() { # REDIS_PORT
  cat <<EOF
          - name: redis-rl
            typed_config:
              "@type": type.googleapis.com/outrigger.ratelimit.v1.RedisRateLimit
              domain: bench
              redis_address: "127.0.0.1:$1"
              timeout: 0.1s
              limits:
              - entries: [{key: user, value: ""}]
                requests_per_unit: 4294967295
                unit: SECOND
EOF
}
# The route's descriptor for both rate limit filters: user=<x-user>.
user_rate_limits=", rate_limits: [{actions: [{request_headers: {header_name: x-user, descriptor_key: user}}]}]"

# ---- the sidecars ----------------------------------------------------------------------------

# The sum of a Prometheus counter's samples on a sidecar's admin port whose labels contain all
# of the given label="value" pairs.
counter() { # VARIANT METRIC LABEL...
  local v=$1 m=$2
  shift 2
  curl -fsS "http://127.0.0.1:${admin[$v]}/stats/prometheus" | awk -v m="$m" -v want="$*" '
    index($0, m "{") == 1 || index($0, m " ") == 1 {
      n = split(want, w, " "); ok = 1
      for (i = 1; i <= n; i++) if (index($0, w[i]) == 0) ok = 0
      if (ok) t += $NF
    }
    END {printf "%.0f", t}'
}
declare -A admin # variant -> its admin port
if [[ " ${variants[*]} " == *" redis-rl "* ]]; then
  new_port; p_redis=$port_got
  taskset -c 1 redis-server --port "$p_redis" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
  pids+=($!)
  redis_pid=$!
  for _ in $(seq 1 100); do [[ $(redis-cli -p "$p_redis" ping 2>/dev/null) == PONG ]] && break; sleep 0.1; done
  [[ $(redis-cli -p "$p_redis" ping 2>/dev/null) == PONG ]] || { echo "bench: redis-server did not start; logs in $work" >&2; exit 1; }
  echo "bench: redis-server on :$p_redis (CPU 1)" >&2
fi
for v in "${variants[@]}"; do
  filters="" route_more=""
  case $v in
    rbac) filters=$(rbac_filter) ;;
    local-rl) filters=$(local_rl_filter) route_more=$user_rate_limits ;;
    rbac+local-rl) filters="$(rbac_filter)"$'\n'"$(local_rl_filter)" route_more=$user_rate_limits ;;
    redis-rl) filters=$(redis_rl_filter "$p_redis") route_more=$user_rate_limits ;;
  esac
  new_port; admin[$v]=$port_got
  new_port; port[$v]=$port_got
  one_route_bootstrap "${admin[$v]}" "${port[$v]}" "$p_origin" "$filters" "$route_more" >"$work/$v.yaml"
  run_outrigger "$v" "$work/$v.yaml" "${admin[$v]}"
  chain_pids[$v]=$outrigger_pid
  chains+=("$v")
  # The one request that must pass before anything is measured: the origin's 200 and body.
  got=$(curl -sS -H "x-user: bench" -w ' %{http_code}' "http://127.0.0.1:${port[$v]}/" | tr -d '\n')
  [[ $got == "ok 200" ]] || { echo "bench: $v answered '$got' instead of the origin's 'ok' 200; logs in $work" >&2; exit 1; }
  echo "bench: $v: sidecar :${port[$v]} (admin :${admin[$v]}) -> origin :$p_origin; a request got the origin's 200" >&2
  if [[ $v == redis-rl ]]; then
    # A cold sidecar's first calls may outlast the timeout and pass by the failure mode: go on
    # once Redis has decided one (and so has the counting script loaded).
    for _ in $(seq 1 50); do
      (($(counter "$v" outrigger_ratelimit_decisions_total 'decision="ok"') > 0)) && break
      curl -fsS -o /dev/null -H "x-user: bench" "http://127.0.0.1:${port[$v]}/"
      sleep 0.1
    done
    (($(counter "$v" outrigger_ratelimit_decisions_total 'decision="ok"') > 0)) \
      || { echo "bench: redis-rl: no request was decided by Redis; logs in $work" >&2; exit 1; }
    echo "bench: redis-rl: Redis decided a request; $(counter "$v" outrigger_ratelimit_decisions_total 'decision="failure_mode_allowed"')" \
      "went by the failure mode before" >&2
  fi
done

# ---- the runs --------------------------------------------------------------------------------

declare -A rbac0 rl0 fm0 # the counters before the warm-up (after the validating request)
for v in "${variants[@]}"; do
  [[ $v != *rbac* ]] || rbac0[$v]=$(counter "$v" outrigger_rbac_decisions_total 'decision="allowed"' 'policy="loopback"')
  [[ $v != *-rl ]] || rl0[$v]=$(counter "$v" outrigger_ratelimit_decisions_total 'decision="ok"')
  [[ $v != *-rl ]] || fm0[$v]=$(counter "$v" outrigger_ratelimit_decisions_total 'decision="failure_mode_allowed"')
done
redis_calls() { redis-cli -p "$p_redis" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),.*/\1/p' | grep . || echo 0; }
[[ -z ${p_redis:-} ]] || redis0=$(redis_calls)

# Rate limit decisions that fell back on the failure mode during the measured runs: in during[].
before_run() { [[ $1 != *-rl ]] || fm_before=$(counter "$1" outrigger_ratelimit_decisions_total 'decision="failure_mode_allowed"'); }
after_run() {
  [[ $1 == *-rl ]] || return 0
  run_count=$(($(counter "$1" outrigger_ratelimit_decisions_total 'decision="failure_mode_allowed"') - fm_before))
  run_note="; $run_count rate limit decisions by the failure mode"
}
warm_up "${chains[@]}"
measure_rounds

# ---- the table -------------------------------------------------------------------------------

echo
echo "medians of $rounds rounds of ${duration}s, wrk -t1 -c$connections, 3-byte responses; cpu_us/req: the"
echo "sidecar's CPU time per request; others: CPU other processes used meanwhile (range)"
print_table variant
if [[ -n ${rps[none]:-} ]]; then
  echo
  for v in "${chains[@]}"; do [[ $v == none ]] || ratios "$v / none" "$v" none; done
  echo
  echo "differences to none (medians): latency and the sidecar's CPU per request"
  for v in "${chains[@]}"; do
    [[ $v != none ]] || continue
    awk -v l="$v" -v a="$(median "${p50[$v]}")" -v b="$(median "${p50[none]}")" -v c="$(median "${p99[$v]}")" \
      -v d="$(median "${p99[none]}")" -v e="$(median "${cpu[$v]}")" -v f="$(median "${cpu[none]}")" -v rbac="$([[ $v == rbac ]] && echo 1 || echo 0)" \
      'BEGIN { printf "  %-16s p50 %+6.0f us   p99 %+6.0f us   cpu %+5.1f us per request", l, a - b, c - d, e - f
               if (rbac) printf " (%.2f us per policy tried, 21 tried)", (e - f) / 21
               print "" }'
  done
fi

# ---- the checks ------------------------------------------------------------------------------

echo
echo "checks: requests wrk sent to each sidecar over the whole run (warm-up and unmeasured loads"
echo "included), the errors and non-2xx responses wrk saw, and the filters' decision counters since"
echo "the warm-up began"
for v in "${chains[@]}"; do
  line=$(printf '  %-16s %9s requests, %s errors or non-2xx' "$v" "${served[$v]}" "${failed[$v]:-0}")
  if [[ $v == *rbac* ]]; then
    line+=", rbac allowed by loopback +$(($(counter "$v" outrigger_rbac_decisions_total 'decision="allowed"' 'policy="loopback"') - ${rbac0[$v]}))"
    line+=", denied $(counter "$v" outrigger_rbac_decisions_total 'decision="denied"')"
  fi
  if [[ $v == *-rl ]]; then
    line+=", rate limit ok +$(($(counter "$v" outrigger_ratelimit_decisions_total 'decision="ok"') - ${rl0[$v]}))"
    line+=", over_limit $(counter "$v" outrigger_ratelimit_decisions_total 'decision="over_limit"')"
    line+=", failure_mode_allowed +$(($(counter "$v" outrigger_ratelimit_decisions_total 'decision="failure_mode_allowed"') - ${fm0[$v]}))"
    line+=" (${during[$v]} in the measured runs, ${fm0[$v]} before the warm-up)"
    line+=", error $(counter "$v" outrigger_ratelimit_decisions_total 'decision="error"')"
  fi
  echo "$line"
done
if [[ -n ${p_redis:-} ]]; then
  calls=$(($(redis_calls) - redis0))
  echo "  redis: EVALSHA calls +$calls, $(awk -v c="$calls" -v s="${served[redis-rl]}" 'BEGIN {printf "%.3f", c / s}') per request;" \
    "redis-server's CPU $(awk -v t="$(ticks_of "$redis_pid")" -v n="$calls" -v hz="$hz" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}') us per call (whole run)"
  { redis-cli -p "$p_redis" info commandstats; redis-cli -p "$p_redis" info errorstats; } | tr -d '\r' | grep '^cmdstat\|^errorstat' | sed 's/^/    /'
fi
echo "versions: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(redis-server --version | cut -d' ' -f1-3)," \
  "$(java -version 2>&1 | head -n1), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
