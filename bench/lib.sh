# Shared by bench/profile.sh and bench/startup.sh (sourced, not run).

# A loopback port nothing listens on, picked at random from 20000-29999.
free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 50); do
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "bench: no free port" >&2
  exit 1
}

# ADMIN_PORT LISTENER_PORT UPSTREAM_PORT: an Outrigger bootstrap with one HTTP listener
# routing everything to one static cluster, "origin", on 127.0.0.1:UPSTREAM_PORT.
one_route_bootstrap() {
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
            virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: origin}}]}]
          http_filters:
          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
  clusters:
  - name: origin
    type: STATIC
    load_assignment:
      cluster_name: origin
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $3}}}}]}]
CONF
}
