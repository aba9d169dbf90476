# Shared by the benchmarks that push: Debian's docker-registry on a free
# loopback port, storage in "$work/registry". Source it after setting $work
# and a cleanup trap that kills "$reg_pid"; then call start_bench_registry,
# which sets reg (host:port) and reg_pid.
start_bench_registry() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    reg=127.0.0.1:$port
    cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $reg
YAML
    docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
    reg_pid=$!
    disown "$reg_pid"
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://$reg/v2/" && break; sleep 0.1; done
}
