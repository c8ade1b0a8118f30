package dev.outrigger.sidecar.route;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Route configurations for the routing benchmarks, built from the route records as the config
 * translators would build them.
 *
 * <p>{@link #thousandRoutes()} is one route table of 1,000 routes in 101 virtual hosts:
 * <ul>
 *   <li>{@code catalog}: an API-gateway-like host with 500 routes: 4 well-known paths, then 99
 *       groups of 5 routes per resource {@code res-K} (a canary route on header {@code x-canary} or
 *       an admin route, the exact collection path, a regex, prefix-with-query or v2 prefix route,
 *       a {@code POST}-only bulk route, the resource prefix), and last {@code /static/}. It has no
 *       catch-all, so a path matching nothing scans all 500 routes.
 *   <li>100 small services {@code svc-V} of 5 routes each (tenant route on header {@code x-tenant},
 *       {@code /api/}, exact {@code /login}, a regex, catch-all {@code /}): 60 with Istio-style exact
 *       domains (FQDN, short names, with and without {@code :8080}), 25 with a suffix wildcard
 *       ({@code *.team-V.example.com}), 15 with a prefix wildcard ({@code svc-V.internal.*}).
 * </ul>
 */
final class RouteTables {

    static final String CATALOG = "catalog.shop.example.com";
    static final int CATALOG_GROUPS = 99;
    static final int SMALL_HOSTS = 100;

    private RouteTables() {
    }

    /** The 1,000-route table described above. */
    static RouteTable thousandRoutes() {
        List<VirtualHost> hosts = new ArrayList<>();
        hosts.add(new VirtualHost("catalog",
                List.of(CATALOG, "catalog.shop", "catalog", "catalog.shop.svc.cluster.local"), catalogRoutes()));
        for (int v = 0; v < SMALL_HOSTS; v++) {
            hosts.add(new VirtualHost("svc-" + v, smallHostDomains(v), smallHostRoutes(v)));
        }
        RouteTable table = new RouteTable("bench", hosts, HeaderRules.NONE, false);
        int routes = 0;
        for (VirtualHost vh : table.virtualHosts().virtualHosts()) {
            routes += vh.routes().size();
        }
        if (routes != 1_000) {
            throw new IllegalStateException("expected 1000 routes, built " + routes);
        }
        return table;
    }

    private static List<Route> catalogRoutes() {
        List<Route> routes = new ArrayList<>();
        routes.add(route("healthz", new PathMatcher.Exact("/healthz", true)));
        routes.add(route("readyz", new PathMatcher.Exact("/readyz", true)));
        routes.add(route("well-known", new PathMatcher.Prefix("/.well-known/", true)));
        routes.add(route("favicon", new PathMatcher.Exact("/favicon.ico", true)));
        for (int k = 0; k < CATALOG_GROUPS; k++) {
            String base = "/api/v1/res-" + k;
            String name = "res-" + k;
            if (k % 2 == 0) {
                routes.add(route(name + "-canary", new PathMatcher.Prefix(base + "/", true),
                        List.of(header("x-canary", new StringMatcher.Exact("true", false))), List.of()));
            } else {
                routes.add(route(name + "-admin", new PathMatcher.SeparatedPrefix(base + "/admin", true)));
            }
            routes.add(route(name + "-list", new PathMatcher.Exact(base, true)));
            switch (k % 4) {
                case 0 -> routes.add(route(name + "-history",
                        new PathMatcher.Regex(Pattern.compile(base + "/[0-9]+/history"))));
                case 1 -> routes.add(route(name + "-search", new PathMatcher.Prefix(base + "/search", true),
                        List.of(), List.of(new QueryParameterMatcher("q", null))));
                default -> routes.add(route(name + "-v2", new PathMatcher.Prefix("/api/v2/res-" + k + "/", true)));
            }
            routes.add(route(name + "-bulk", new PathMatcher.SeparatedPrefix(base + "/bulk", true),
                    List.of(header(":method", new StringMatcher.Exact("POST", false))), List.of()));
            routes.add(route(name, new PathMatcher.Prefix(base + "/", true)));
        }
        routes.add(route("static", new PathMatcher.Prefix("/static/", true)));
        return routes;
    }

    static List<String> smallHostDomains(int v) {
        String svc = "svc-" + v;
        if (v < 60) {
            String ns = svc + ".ns-" + (v % 7);
            String fqdn = ns + ".svc.cluster.local";
            return List.of(fqdn, fqdn + ":8080", ns, ns + ":8080", svc, svc + ":8080");
        }
        if (v < 85) {
            return List.of("*.team-" + v + ".example.com", "team-" + v + ".example.com");
        }
        return List.of(svc + ".internal.*", svc + ".internal");
    }

    private static List<Route> smallHostRoutes(int v) {
        String name = "svc-" + v;
        return List.of(
                route(name + "-gold", new PathMatcher.Prefix("/api/", true),
                        List.of(header("x-tenant", new StringMatcher.Exact("gold", false))), List.of()),
                route(name + "-api", new PathMatcher.Prefix("/api/", true)),
                route(name + "-login", new PathMatcher.Exact("/login", true)),
                route(name + "-profile", new PathMatcher.Regex(Pattern.compile("/users/[a-z0-9-]+/profile"))),
                route(name + "-default", new PathMatcher.Prefix("/", true)));
    }

    /** An authority that reaches small host {@code v}, in one of the forms its domains allow. */
    static String smallHostAuthority(int v, int variant) {
        if (v < 60) {
            String ns = "svc-" + v + ".ns-" + (v % 7);
            return switch (variant % 3) {
                case 0 -> ns + ".svc.cluster.local:8080";
                case 1 -> ns;
                default -> "svc-" + v;
            };
        }
        if (v < 85) {
            return variant % 2 == 0 ? "www.team-" + v + ".example.com" : "team-" + v + ".example.com";
        }
        return "svc-" + v + ".internal.corp";
    }

    private static Route route(String name, PathMatcher path) {
        return route(name, path, List.of(), List.of());
    }

    private static Route route(String name, PathMatcher path, List<HeaderMatcher> headers,
            List<QueryParameterMatcher> query) {
        return new Route(name, new RouteMatch(path, headers, query), ForwardAction.toCluster(name));
    }

    private static HeaderMatcher header(String name, StringMatcher value) {
        return new HeaderMatcher(name, new HeaderMatcher.Value(value), false, false);
    }

    /** A request with the route it must select (null: none). */
    record Case(BenchRequest request, String expectedRoute) {
    }

    /** Throws unless {@code table} selects the expected route for every case. */
    static void verify(RouteTable table, List<Case> cases) {
        for (Case c : cases) {
            RouteSelection s = table.select(c.request());
            String got = s == null ? null : s.route().name();
            if (!java.util.Objects.equals(got, c.expectedRoute())) {
                throw new IllegalStateException(c.request() + " selected " + got + ", expected " + c.expectedRoute());
            }
        }
    }

    /**
     * A mix of 64 requests, one per route spread evenly over the table: 32 to the catalog host
     * (every third resource; collection, item, canary, bulk and regex/search/v2 routes, so
     * anything from the first to the last group of routes is scanned) and 32 to small hosts
     * (every domain kind, each of their 5 routes, some authorities with a port).
     */
    static List<Case> typicalMix() {
        List<Case> cases = new ArrayList<>();
        for (int j = 0; j < 32; j++) {
            cases.add(catalogCase(j * 3, j % 5));
            cases.add(smallHostCase((j * 37 + 11) % SMALL_HOSTS, j));
        }
        return cases;
    }

    private static Case catalogCase(int k, int variant) {
        String base = "/api/v1/res-" + k;
        String name = "res-" + k;
        return switch (variant) {
            case 0 -> new Case(BenchRequest.get(CATALOG, base + "/items/17?limit=20"), name);
            case 1 -> new Case(BenchRequest.get(CATALOG, base), name + "-list");
            case 2 -> new Case(BenchRequest.get(CATALOG, base + "/items/17").header("x-canary", "true"),
                    k % 2 == 0 ? name + "-canary" : name);
            case 3 -> new Case(BenchRequest.of("POST", CATALOG, base + "/bulk"), name + "-bulk");
            default -> switch (k % 4) {
                case 0 -> new Case(BenchRequest.get(CATALOG, base + "/42/history"), name + "-history");
                case 1 -> new Case(BenchRequest.get(CATALOG, base + "/search?q=shoes&page=2"), name + "-search");
                default -> new Case(BenchRequest.get(CATALOG, "/api/v2/res-" + k + "/x"), name + "-v2");
            };
        };
    }

    private static Case smallHostCase(int v, int j) {
        String authority = smallHostAuthority(v, j);
        String name = "svc-" + v;
        return switch (j % 5) {
            case 0 -> new Case(BenchRequest.get(authority, "/api/orders/1").header("x-tenant", "gold"), name + "-gold");
            case 1 -> new Case(BenchRequest.get(authority, "/api/orders/1").header("x-tenant", "silver"), name + "-api");
            case 2 -> new Case(BenchRequest.get(authority, "/login"), name + "-login");
            case 3 -> new Case(BenchRequest.get(authority, "/users/jane-doe/profile"), name + "-profile");
            default -> new Case(BenchRequest.get(authority, "/index.html"), name + "-default");
        };
    }

    /**
     * 1,000 domains in 250 virtual hosts: 700 exact (175 services with FQDN, FQDN:8080, name.ns
     * and short name), 200 suffix wildcards of 5 distinct lengths, 100 prefix wildcards of 8
     * distinct lengths; no {@code *}.
     */
    static VirtualHostIndex thousandDomains() {
        List<VirtualHost> hosts = new ArrayList<>();
        for (int i = 0; i < 175; i++) {
            String ns = "svc-" + i + ".ns-" + (i % 13);
            hosts.add(new VirtualHost("svc-" + i,
                    List.of(ns + ".svc.cluster.local", ns + ".svc.cluster.local:8080", ns, "svc-" + i), List.of()));
        }
        for (int i = 0; i < 50; i++) {
            hosts.add(new VirtualHost("team-" + i, List.of("*.team-" + i + ".example.com",
                    "*.team-" + i + ".example.org", "*-team-" + i + ".apps.example.net", "*." + i + ".cdn.example.com"),
                    List.of()));
        }
        for (int i = 0; i < 25; i++) {
            hosts.add(new VirtualHost("legacy-" + i, List.of("legacy-" + i + ".*", "legacy-" + i + ".corp.*",
                    "api-" + i + ".*", "api-" + i + ".corp.*"), List.of()));
        }
        VirtualHostIndex index = VirtualHostIndex.of(hosts);
        int domains = 0;
        for (VirtualHost vh : index.virtualHosts()) {
            domains += vh.domains().size();
        }
        if (domains != 1_000) {
            throw new IllegalStateException("expected 1000 domains, built " + domains);
        }
        return index;
    }
}
