import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the raw runs of one scenario into bench/results/SCENARIO-TIMESTAMP.json (every run plus
 * the summary) and a Markdown table, and checks the result.
 *
 * <pre>
 * java bench/Report.java --runs RUNS.jsonl --meta META.tsv --scenario NAME --json OUT.json --md OUT.md [--strict]
 * </pre>
 *
 * RUNS.jsonl has one JSON object per run, written by bench/run.sh: the load generator's numbers
 * plus {@code target}, {@code round}, {@code cpu_ticks}, {@code clk_tck}, {@code window_s} and
 * {@code rss_peak_kb}. META.tsv holds "key TAB value" lines about the machine and the settings,
 * {@code targets} among them (the targets measured, space-separated; default all four).
 *
 * The check runs on the written JSON, read back: a field is missing, a target served no request
 * or had an error. (An open-loop run that missed its rate is not a problem: it is marked in the
 * Markdown and by {@code rate_reached} in the JSON.) With {@code --strict} (the smoke test) any
 * of these is a failure: exit 1. Without, the problems are warnings, written into the JSON
 * ({@code problems}) and the Markdown: exit 3 when there are any, 0 when there are none.
 */
public final class Report {

    /** Targets in report order; the first is the baseline every proxy is compared with. */
    static final List<String> TARGETS = List.of("direct", "nginx", "haproxy", "outrigger");
    static final String BASELINE = "direct";
    static final List<String> PROXIES = List.of("nginx", "haproxy", "outrigger");

    /** Fields every run has; the proxy-only ones are null for "direct". */
    static final List<String> RUN_FIELDS = List.of("scenario", "target", "round", "tool", "requests",
            "duration_s", "rps", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "errors", "non2xx",
            "proxy_core_other_pct", "load_core_other_pct", "proxy_core_busy_pct", "load_core_busy_pct");
    static final List<String> PROXY_FIELDS = List.of("cpu_s", "cpu_s_per_1k_req", "cpu_us_per_req", "cpu_pct",
            "rss_peak_kb");
    /** Metrics summarised as median, min and max over rounds. */
    static final List<String> METRICS = List.of("rps", "p50_us", "p90_us", "p99_us", "p999_us", "max_us",
            "errors", "non2xx", "cpu_s_per_1k_req", "cpu_us_per_req", "cpu_pct", "rss_peak_kb",
            "proxy_core_other_pct", "load_core_other_pct", "proxy_core_busy_pct", "load_core_busy_pct");
    /** Summarised too when present (open-loop runs only), but not required. */
    static final List<String> OPTIONAL_METRICS = List.of("served_rps", "send_lag_p50_us", "send_lag_p99_us",
            "send_lag_max_us");
    /**
     * An open-loop run kept its rate when it answered at least this share of it, left no request
     * unanswered, and 99% of its requests left within {@link #MAX_SEND_LAG_P99_US} of their due
     * time (a later one waited for a free connection: every connection had a request in flight, a
     * backlog had formed at the target or in the generator).
     */
    static final double RATE_REACHED = 0.95;
    static final double MAX_SEND_LAG_P99_US = 10_000;
    /** A core this busy (or a process using this much of one) counts as saturated. */
    static final double SATURATED_PCT = 90;
    static final List<String> RATIO_METRICS = List.of("rps", "p50_us", "p99_us", "p999_us", "cpu_us_per_req",
            "rss_peak_kb");
    /** Above this share of a core taken by other processes in any run, the table says it is noisy. */
    static final double NOISY_PCT = 10;
    static final List<String> ADDED_METRICS = List.of("p50_us", "p90_us", "p99_us", "p999_us");

    public static void main(String[] args) throws IOException {
        Map<String, String> opt = new LinkedHashMap<>();
        boolean strict = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--strict")) {
                strict = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opt.put(args[i].substring(2), args[++i]);
            } else {
                usage("unexpected argument " + args[i]);
            }
        }
        for (String required : List.of("runs", "meta", "scenario", "json", "md")) {
            if (!opt.containsKey(required)) {
                usage("--" + required + " is required");
            }
        }
        String scenario = opt.get("scenario");
        Map<String, Object> meta = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(opt.get("meta")), StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                meta.put(line.substring(0, tab), typed(line.substring(tab + 1)));
            }
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(opt.get("runs")), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> run = (Map<String, Object>) new Json(line).value();
                if (scenario.equals(run.get("scenario"))) {
                    runs.add(derive(run));
                }
            }
        }

        List<String> targets = targets(meta.get("targets"));
        meta.put("targets", String.join(" ", targets));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", scenario);
        out.putAll(meta);
        out.put("runs", runs);
        Map<String, Object> summary = summarise(runs);
        out.put("summary", summary);
        out.put("ratios", ratios(summary, targets));
        out.put("added_over_direct", addedOverDirect(summary, targets));

        // Checked on the file as written, read back; the problems then go into it too.
        Path json = Path.of(opt.get("json"));
        Files.writeString(json, Json.write(out, 0) + "\n", StandardCharsets.UTF_8);
        List<String> problems = check(Files.readString(json, StandardCharsets.UTF_8));
        out.put("problems", problems);
        Files.writeString(json, Json.write(out, 0) + "\n", StandardCharsets.UTF_8);
        String md = markdown(scenario, meta, summary, out, problems);
        Files.writeString(Path.of(opt.get("md")), md, StandardCharsets.UTF_8);
        System.out.print(md);

        if (!problems.isEmpty()) {
            System.err.println((strict ? "check of " : "warning: problems in ") + json + ":");
            problems.forEach(p -> System.err.println("  " + p));
            System.exit(strict ? 1 : 3);
        }
    }

    static List<String> targets(Object listed) {
        if (!(listed instanceof String s) || s.isBlank()) {
            return TARGETS;
        }
        List<String> given = Arrays.asList(s.trim().split("\\s+"));
        return TARGETS.stream().filter(given::contains).toList();
    }

    private static void usage(String problem) {
        System.err.println("Report: " + problem);
        System.err.println("usage: java bench/Report.java --runs RUNS.jsonl --meta META.tsv --scenario NAME"
                + " --json OUT.json --md OUT.md [--strict]");
        System.exit(2);
    }

    private static Object typed(String s) {
        try {
            return s.matches("-?[0-9]+(\\.[0-9]+)?") ? (Object) Double.parseDouble(s) : s;
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /**
     * Adds CPU per request and CPU use (percent of one core over the run's window) from the raw
     * clock ticks; direct has no proxy, so nulls. An open-loop run also gets {@code rate_reached}.
     */
    static Map<String, Object> derive(Map<String, Object> run) {
        Double ticks = num(run.get("cpu_ticks"));
        Double hz = num(run.get("clk_tck"));
        Double requests = num(run.get("requests"));
        Double window = num(run.get("window_s"));
        if (ticks != null && hz != null && hz > 0) {
            double cpuS = ticks / hz;
            run.put("cpu_s", cpuS);
            boolean any = requests != null && requests > 0;
            run.put("cpu_s_per_1k_req", any ? cpuS * 1000 / requests : null);
            run.put("cpu_us_per_req", any ? cpuS * 1e6 / requests : null);
            run.put("cpu_pct", window != null && window > 0 ? 100 * cpuS / window : null);
        } else {
            for (String f : List.of("cpu_s", "cpu_s_per_1k_req", "cpu_us_per_req", "cpu_pct")) {
                run.putIfAbsent(f, null);
            }
        }
        run.putIfAbsent("rss_peak_kb", null);
        Double rate = num(run.get("target_rps"));
        if (rate != null && rate > 0) {
            Double rps = num(run.get("rps"));
            Double timeouts = num(run.get("timeouts"));
            Double lag = num(run.get("send_lag_p99_us"));
            run.put("rate_reached", rps != null && rps >= RATE_REACHED * rate && (timeouts == null || timeouts == 0)
                    && lag != null && lag <= MAX_SEND_LAG_P99_US);
        }
        return run;
    }

    static Map<String, Object> summarise(List<Map<String, Object>> runs) {
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String target : TARGETS) {
            List<Map<String, Object>> mine = runs.stream().filter(r -> target.equals(r.get("target"))).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("rounds", mine.size());
            List<String> metrics = new ArrayList<>(METRICS);
            OPTIONAL_METRICS.stream().filter(m -> mine.stream().anyMatch(r -> r.containsKey(m))).forEach(metrics::add);
            for (String metric : metrics) {
                double[] values = mine.stream().map(r -> num(r.get(metric))).filter(v -> v != null)
                        .mapToDouble(Double::doubleValue).sorted().toArray();
                if (values.length == 0) {
                    t.put(metric, null);
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("median", median(values));
                m.put("min", values[0]);
                m.put("max", values[values.length - 1]);
                if (metric.equals("errors") || metric.equals("non2xx")) {
                    m.put("sum", Arrays.stream(values).sum()); // any error matters, not its median
                }
                t.put(metric, m);
            }
            long missed = mine.stream().filter(r -> Boolean.FALSE.equals(r.get("rate_reached"))).count();
            if (mine.stream().anyMatch(r -> r.containsKey("rate_reached"))) {
                t.put("rate_missed_runs", missed);
            }
            summary.put(target, t);
        }
        return summary;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static Double med(Map<String, Object> summary, String target, String metric) {
        if (!(summary.get(target) instanceof Map<?, ?> t) || !(t.get(metric) instanceof Map<?, ?> m)) {
            return null;
        }
        return num(m.get("median"));
    }

    static Map<String, Object> ratios(Map<String, Object> summary, List<String> targets) {
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String other : List.of("nginx", "haproxy")) {
            if (!targets.contains("outrigger") || !targets.contains(other)) {
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            for (String metric : RATIO_METRICS) {
                Double a = med(summary, "outrigger", metric);
                Double b = med(summary, other, metric);
                r.put(metric, a == null || b == null || b == 0 ? null : a / b);
            }
            ratios.put("outrigger_vs_" + other, r);
        }
        return ratios;
    }

    static Map<String, Object> addedOverDirect(Map<String, Object> summary, List<String> targets) {
        Map<String, Object> added = new LinkedHashMap<>();
        for (String proxy : PROXIES) {
            if (!targets.contains(BASELINE) || !targets.contains(proxy)) {
                continue;
            }
            Map<String, Object> a = new LinkedHashMap<>();
            for (String metric : ADDED_METRICS) {
                Double p = med(summary, proxy, metric);
                Double d = med(summary, BASELINE, metric);
                a.put(metric, p == null || d == null ? null : p - d);
            }
            added.put(proxy, a);
        }
        return added;
    }

    // ---- Markdown ----

    static String markdown(String scenario, Map<String, Object> meta, Map<String, Object> summary,
            Map<String, Object> out, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(scenario);
        Object what = meta.get("description");
        if (what != null) {
            sb.append(": ").append(what);
        }
        sb.append("\n\n");
        sb.append(String.format(Locale.ROOT, "%s, %s round(s) of %s s per target, median (min–max) over rounds; %s UTC.%n%n",
                meta.getOrDefault("load", "?"), fmtInt(num(meta.get("rounds"))), fmtInt(num(meta.get("duration_s"))),
                meta.getOrDefault("timestamp", "?")));
        sb.append("| target | req/s | p50 µs | p90 µs | p99 µs | p99.9 µs | errors / non-2xx"
                + " | proxy CPU µs/req (= ms per 1000 req) | proxy CPU % of a core | proxy peak RSS MiB | added p50 / p99 µs |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> added = (Map<String, Object>) out.get("added_over_direct");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) out.get("runs");
        boolean anyMissed = false;
        for (String target : TARGETS) {
            if (!(summary.get(target) instanceof Map<?, ?> t)) {
                continue;
            }
            Double missed = num(t.get("rate_missed_runs"));
            boolean mark = missed != null && missed > 0;
            anyMissed |= mark;
            sb.append("| ").append(target)
                    .append(" | ").append(cell(t.get("rps"), 0)).append(mark ? " †" : "")
                    .append(" | ").append(cell(t.get("p50_us"), 0))
                    .append(" | ").append(cell(t.get("p90_us"), 0))
                    .append(" | ").append(cell(t.get("p99_us"), 0))
                    .append(" | ").append(cell(t.get("p999_us"), 0))
                    .append(" | ").append(sumOf(t.get("errors"))).append(" / ").append(sumOf(t.get("non2xx")))
                    .append(" | ").append(cell(t.get("cpu_us_per_req"), 1))
                    .append(" | ").append(cell(t.get("cpu_pct"), 0))
                    .append(" | ").append(mib(t.get("rss_peak_kb")));
            if (added.get(target) instanceof Map<?, ?> a) {
                sb.append(" | ").append(signed(num(a.get("p50_us")))).append(" / ").append(signed(num(a.get("p99_us"))));
            } else {
                sb.append(" | —");
            }
            sb.append(" |\n");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ratios = (Map<String, Object>) out.get("ratios");
        sb.append('\n');
        rateNote(sb, meta, runs, anyMissed);
        for (String other : List.of("nginx", "haproxy")) {
            if (!(ratios.get("outrigger_vs_" + other) instanceof Map<?, ?> r) || r.get("rps") == null
                    && r.get("p50_us") == null) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "Outrigger / %s (medians): req/s %s, p50 %s, p99 %s, p99.9 %s, CPU per request %s, peak RSS %s.%n",
                    other.equals("nginx") ? "nginx" : "HAProxy", ratio(r.get("rps")), ratio(r.get("p50_us")),
                    ratio(r.get("p99_us")), ratio(r.get("p999_us")), ratio(r.get("cpu_us_per_req")),
                    ratio(r.get("rss_peak_kb"))));
        }
        double proxyNoise = worst(summary, "proxy_core_other_pct");
        double loadNoise = worst(summary, "load_core_other_pct");
        Double proxyBefore = num(meta.get("proxy_core_busy_before_pct"));
        Double loadBefore = num(meta.get("load_core_busy_before_pct"));
        String before = proxyBefore == null || loadBefore == null ? ""
                : String.format(Locale.ROOT, " (%.0f%% and %.0f%% in the second before the benchmark started)", proxyBefore, loadBefore);
        sb.append(String.format(Locale.ROOT, "Noise: other processes used up to %.0f%% of the proxies' core (CPU %s) and up to"
                + " %.0f%% of the origin and generator's core (CPU %s) during a run%s%s.%n",
                proxyNoise, fmtInt(num(meta.get("proxy_cpu"))), loadNoise, fmtInt(num(meta.get("load_cpu"))), before,
                Math.max(proxyNoise, loadNoise) > NOISY_PCT ? ": the machine was busy, treat these numbers as noisy" : ""));
        if (!problems.isEmpty()) {
            sb.append("\nProblems:\n");
            problems.forEach(p -> sb.append("- ").append(p).append('\n'));
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * Open-loop scenarios: whether every run was answered at the target rate, and for each run
     * that was not, what was saturated (the target's process, the proxies' core, or the core of
     * the origin and the generator) so that a shortfall of this machine is told from one of the
     * proxy.
     */
    static void rateNote(StringBuilder sb, Map<String, Object> meta, List<Map<String, Object>> runs, boolean anyMissed) {
        List<Map<String, Object>> open = runs.stream().filter(r -> r.containsKey("rate_reached")).toList();
        if (open.isEmpty()) {
            return;
        }
        Double rate = num(open.get(0).get("target_rps"));
        if (!anyMissed) {
            sb.append(String.format(Locale.ROOT, "Rate: every run kept %s req/s (at least %.0f%% answered, none unanswered,"
                    + " 99%% of requests sent within %s ms of their scheduled time).%n",
                    fmt(rate, 0), RATE_REACHED * 100, fmt(MAX_SEND_LAG_P99_US / 1000, 0)));
            return;
        }
        List<Map<String, Object>> missed = open.stream().filter(r -> Boolean.FALSE.equals(r.get("rate_reached"))).toList();
        sb.append(String.format(Locale.ROOT, "† Rate not kept in %d of %d runs (less than %.0f%% of %s req/s answered, a request"
                + " unanswered, or over 1%% of requests sent more than %s ms late for want of a free connection): a backlog formed;"
                + " latency there is mostly the backlog, and CPU per request is not at the target rate.%n",
                missed.size(), open.size(), RATE_REACHED * 100, fmt(rate, 0), fmt(MAX_SEND_LAG_P99_US / 1000, 0)));
        String proxyCpu = fmtInt(num(meta.get("proxy_cpu")));
        String loadCpu = fmtInt(num(meta.get("load_cpu")));
        for (Map<String, Object> r : missed) {
            String target = String.valueOf(r.get("target"));
            Double cpuPct = num(r.get("cpu_pct"));
            Double proxyBusy = num(r.get("proxy_core_busy_pct"));
            Double loadBusy = num(r.get("load_core_busy_pct"));
            sb.append(String.format(Locale.ROOT, "- %s round %s: %s req/s answered, %s req/s served during the schedule,"
                    + " %s unanswered, requests sent up to %s ms late (p99 %s ms); ",
                    target, fmtInt(num(r.get("round"))), fmtOr(num(r.get("rps")), 0), fmtOr(num(r.get("served_rps")), 0),
                    fmtInt(num(r.get("timeouts"))), fmtOr(div(num(r.get("send_lag_max_us")), 1000), 0),
                    fmtOr(div(num(r.get("send_lag_p99_us")), 1000), 0)));
            if (cpuPct != null) {
                sb.append(String.format(Locale.ROOT, "%s used %.0f%% of CPU %s; ", target, cpuPct, proxyCpu));
            }
            sb.append(String.format(Locale.ROOT, "CPU %s %s%% busy (%s%% other processes), CPU %s %s%% busy (%s%% other processes): ",
                    proxyCpu, fmtOr(proxyBusy, 0), fmtOr(num(r.get("proxy_core_other_pct")), 0),
                    loadCpu, fmtOr(loadBusy, 0), fmtOr(num(r.get("load_core_other_pct")), 0)));
            Double proxyOther = num(r.get("proxy_core_other_pct"));
            Double loadOther = num(r.get("load_core_other_pct"));
            List<String> why = new ArrayList<>();
            if (cpuPct != null && cpuPct >= SATURATED_PCT) {
                why.add(target + " was saturated");
            } else if (!BASELINE.equals(target) && proxyBusy != null && proxyBusy >= SATURATED_PCT) {
                why.add("CPU " + proxyCpu + " was saturated");
            }
            if (!BASELINE.equals(target) && proxyOther != null && proxyOther > NOISY_PCT) {
                why.add("other processes took CPU " + proxyCpu + " from " + target);
            }
            if (loadBusy != null && loadBusy >= SATURATED_PCT) {
                why.add("CPU " + loadCpu + " (origin and generator) was saturated");
            }
            if (loadOther != null && loadOther > NOISY_PCT) {
                why.add("other processes took CPU " + loadCpu + " from the origin and the generator");
            }
            sb.append(why.isEmpty() ? "no core saturated and no other process seen (averages over the run)"
                    : String.join("; ", why)).append(".\n");
        }
    }

    static Double div(Double a, double b) {
        return a == null ? null : a / b;
    }

    static String fmtOr(Double d, int decimals) {
        return d == null ? "—" : fmt(d, decimals);
    }

    /** The highest per-run value of a metric over all targets (0 when absent). */
    static double worst(Map<String, Object> summary, String metric) {
        double worst = 0;
        for (Object t : summary.values()) {
            if (((Map<?, ?>) t).get(metric) instanceof Map<?, ?> m && num(m.get("max")) != null) {
                worst = Math.max(worst, num(m.get("max")));
            }
        }
        return worst;
    }

    static String cell(Object stat, int decimals) {
        if (!(stat instanceof Map<?, ?> m)) {
            return "—";
        }
        Double med = num(m.get("median"));
        Double min = num(m.get("min"));
        Double max = num(m.get("max"));
        if (med == null) {
            return "—";
        }
        if (min.equals(max)) {
            return fmt(med, decimals);
        }
        return fmt(med, decimals) + " (" + fmt(min, decimals) + "–" + fmt(max, decimals) + ")";
    }

    static String mib(Object stat) {
        if (!(stat instanceof Map<?, ?> m) || num(m.get("median")) == null) {
            return "—";
        }
        Map<String, Object> inMib = new LinkedHashMap<>();
        for (String k : List.of("median", "min", "max")) {
            inMib.put(k, num(m.get(k)) / 1024);
        }
        return cell(inMib, 1);
    }

    /** Errors are summed over rounds: any error matters, not its median. */
    static String sumOf(Object stat) {
        return stat instanceof Map<?, ?> m ? fmtInt(num(m.get("sum"))) : "—";
    }

    static String ratio(Object r) {
        Double d = num(r);
        return d == null ? "—" : String.format(Locale.ROOT, "%.2f×", d);
    }

    static String signed(Double d) {
        return d == null ? "—" : (d >= 0 ? "+" : "−") + fmt(Math.abs(d), 0);
    }

    static String fmt(double d, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", d);
    }

    static String fmtInt(Double d) {
        return d == null ? "—" : String.format(Locale.ROOT, "%d", Math.round(d));
    }

    static Double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    // ---- check ----

    /**
     * What is wrong with a written result file, read back from disk: a missing field, a target
     * that served no request or had an error. Empty when complete. A missed open-loop rate is not
     * a problem here: the Markdown explains it and {@code rate_reached} records it.
     */
    static List<String> check(String text) {
        List<String> problems = new ArrayList<>();
        Object parsed;
        try {
            parsed = new Json(text).value();
        } catch (RuntimeException e) {
            return List.of("not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            return List.of("not a JSON object");
        }
        List<String> targets = targets(root.get("targets"));
        if (!(root.get("runs") instanceof List<?> runs) || runs.isEmpty()) {
            return List.of("no runs");
        }
        List<String> idle = new ArrayList<>(); // targets with a run that served nothing
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String who = run.get("target") + " round " + fmtInt(num(run.get("round")));
            boolean proxy = !BASELINE.equals(run.get("target"));
            Double requests = num(run.get("requests"));
            boolean servedNone = requests == null || requests <= 0;
            if (servedNone) {
                problems.add(who + ": served no request");
                idle.add(String.valueOf(run.get("target")));
            }
            List<String> missing = new ArrayList<>();
            for (String f : RUN_FIELDS) {
                if (run.get(f) == null && !(servedNone && f.endsWith("_us"))) {
                    missing.add(f);
                }
            }
            for (String f : PROXY_FIELDS) {
                boolean perRequest = f.startsWith("cpu_") && f.contains("req");
                if (!run.containsKey(f) || proxy && run.get(f) == null && !(servedNone && perRequest)) {
                    missing.add(f);
                }
            }
            if (!missing.isEmpty()) {
                problems.add(who + ": missing " + String.join(", ", missing));
            }
            Double errors = num(run.get("errors"));
            Double non2xx = num(run.get("non2xx"));
            if (errors != null && errors > 0 || non2xx != null && non2xx > 0) {
                Double unanswered = num(run.get("timeouts"));
                problems.add(who + ": " + fmtInt(errors) + " error(s)"
                        + (unanswered != null && unanswered > 0 ? " (" + fmtInt(unanswered) + " unanswered or timed out)" : "")
                        + ", " + fmtInt(non2xx) + " non-2xx");
            }
        }
        if (!(root.get("summary") instanceof Map<?, ?> summary)) {
            problems.add("summary is missing");
            return problems;
        }
        for (String target : targets) {
            if (!(summary.get(target) instanceof Map<?, ?> t)) {
                problems.add("summary." + target + " is missing");
                continue;
            }
            if (idle.contains(target)) {
                continue; // its missing numbers are already accounted for
            }
            List<String> missing = new ArrayList<>();
            for (String metric : METRICS) {
                boolean proxyOnly = metric.startsWith("cpu_") || metric.startsWith("rss_");
                if (!(t.get(metric) instanceof Map<?, ?> m)) {
                    if (!proxyOnly || !BASELINE.equals(target)) {
                        missing.add(metric);
                    }
                    continue;
                }
                for (String k : List.of("median", "min", "max")) {
                    if (num(m.get(k)) == null) {
                        missing.add(metric + "." + k);
                    }
                }
            }
            if (!missing.isEmpty()) {
                problems.add("summary." + target + ": missing " + String.join(", ", missing));
            }
        }
        for (String section : List.of("ratios", "added_over_direct")) {
            if (!(root.get(section) instanceof Map<?, ?> s)) {
                problems.add(section + " is missing");
                continue;
            }
            for (Map.Entry<?, ?> e : s.entrySet()) {
                // "outrigger_vs_nginx", or a proxy over direct: nothing to say when a side served nothing.
                String key = String.valueOf(e.getKey());
                boolean consequence = idle.stream().anyMatch(t -> key.equals(t) || key.startsWith(t + "_vs_")
                        || key.endsWith("_vs_" + t) || section.equals("added_over_direct") && t.equals(BASELINE));
                if (consequence) {
                    continue;
                }
                List<String> missing = new ArrayList<>();
                for (Map.Entry<?, ?> v : ((Map<?, ?>) e.getValue()).entrySet()) {
                    if (v.getValue() == null) {
                        missing.add(String.valueOf(v.getKey()));
                    }
                }
                if (!missing.isEmpty()) {
                    problems.add(section + "." + e.getKey() + ": missing " + String.join(", ", missing));
                }
            }
        }
        boolean pairs = targets.contains("outrigger") && (targets.contains("nginx") || targets.contains("haproxy"));
        if (pairs && root.get("ratios") instanceof Map<?, ?> r && r.isEmpty()) {
            problems.add("ratios is empty");
        }
        return problems;
    }

    // ---- a minimal JSON reader and writer (objects keep their order; numbers are doubles) ----

    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            Object v = read();
            skipSpace();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object read() {
            skipSpace();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skipSpace();
                    if (peek('}')) {
                        return m;
                    }
                    do {
                        skipSpace();
                        String k = string();
                        skipSpace();
                        expect(':');
                        m.put(k, read());
                        skipSpace();
                    } while (peek(','));
                    expect('}');
                    return m;
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    skipSpace();
                    if (peek(']')) {
                        return l;
                    }
                    do {
                        l.add(read());
                        skipSpace();
                    } while (peek(','));
                    expect(']');
                    return l;
                }
                case '"':
                    return string();
                default:
                    if (s.startsWith("true", i)) {
                        i += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", i)) {
                        i += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", i)) {
                        i += 4;
                        return null;
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw error("unexpected '" + c + "'");
                    }
                    String n = s.substring(start, i);
                    if (n.equals("nan") || n.equals("-nan") || n.contains("inf")) {
                        return null;
                    }
                    return Double.parseDouble(n);
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private RuntimeException error(String what) {
            return new IllegalArgumentException(what + " at offset " + i);
        }

        static String write(Object v, int indent) {
            StringBuilder sb = new StringBuilder();
            write(sb, v, indent);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v, int indent) {
            String pad = "  ".repeat(indent + 1);
            String end = "  ".repeat(indent);
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                // Runs stay one line each: a file of many rounds remains easy to scan and to grep.
                boolean flat = m.values().stream().noneMatch(x -> x instanceof Map || x instanceof List);
                sb.append(flat ? "{" : "{\n");
                int k = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(flat ? "" : pad).append(quote(e.getKey().toString())).append(flat ? ":" : ": ");
                    write(sb, e.getValue(), indent + 1);
                    if (++k < m.size()) {
                        sb.append(flat ? ", " : ",\n");
                    }
                }
                sb.append(flat ? "}" : "\n" + end + "}");
            } else if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int k = 0; k < l.size(); k++) {
                    sb.append(pad);
                    write(sb, l.get(k), indent + 1);
                    sb.append(k + 1 < l.size() ? ",\n" : "\n");
                }
                sb.append(end).append(']');
            } else if (v instanceof Number n) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    sb.append("null");
                } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    sb.append((long) d);
                } else {
                    sb.append(new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString());
                }
            } else if (v instanceof Boolean b) {
                sb.append(b);
            } else {
                sb.append(quote(v.toString()));
            }
        }

        private static String quote(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }
    }

    private Report() {
    }
}
