-- wrk script for bench/run.sh: prints wrk's results as one JSON line, prefixed BENCH_RESULT.
-- Latencies are in microseconds; "errors" are transport errors (connect, read, write,
-- timeout), "non2xx" what wrk counts as status errors (responses of 400 and above).
done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_RESULT {"tool":"wrk","requests":%d,"duration_s":%.3f,"rps":%.1f,' ..
    '"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,"p999_us":%.1f,"max_us":%.1f,"mean_us":%.1f,' ..
    '"errors":%d,"non2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status,
    e.connect, e.read, e.write, e.timeout))
end
