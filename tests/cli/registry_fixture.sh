# Real OCI registries for the CLI tests: Debian's docker-registry (the CNCF
# distribution) on free loopback ports, started in $SCRATCH and stopped on
# exit. Source after lib.sh, then:
#   start_registry open    sets REG_OPEN   (host:port), no auth
#   start_registry basic   sets REG_BASIC, htpasswd basic auth ($REG_USER/$REG_PASSWORD)
#   start_registry token   sets REG_TOKEN, bearer tokens from a test token server
#                          (python3 stdlib; the same user and password)

REG_USER=mlci-user
REG_PASSWORD='s3cret-Pa55-never-shown'
REG_PIDS=()

stop_registries() {
    local pid
    for pid in "${REG_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    REG_PIDS=()
}
trap 'stop_registries; rm -rf "$SCRATCH"' EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL: until something answers (any status), at most 15 s.
wait_http() {
    local i
    for i in $(seq 1 150); do
        if curl -s -o /dev/null "$1"; then return 0; fi
        sleep 0.1
    done
    fail "nothing answers at $1"
}

# The token server: checks basic credentials, grants the scopes asked for
# (nothing to anonymous callers), signs RS256 JWTs with openssl, and puts
# the signing certificate in the x5c header for the registry to check.
start_token_server() { # DIR -> sets TOKEN_PORT
    local dir=$1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/token.key" -out "$dir/token.crt" \
        -days 2 -subj /CN=mlci-test-token >/dev/null 2>&1 || fail "openssl could not make the token key"
    cat >"$dir/token_server.py" <<'PY'
import base64, json, subprocess, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

key, crt, user, password, port_file = sys.argv[1:6]
der = subprocess.run(["openssl", "x509", "-in", crt, "-outform", "DER"], capture_output=True, check=True).stdout
x5c = base64.b64encode(der).decode()

def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def sign(claims):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input.encode(),
                         capture_output=True, check=True).stdout
    return signing_input + "." + b64url(sig)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        auth = self.headers.get("Authorization", "")
        granted = False
        if auth.startswith("Basic "):
            u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
            if u != user or p != password:
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"details":"bad credentials"}')
                return
            granted = True
        access = []
        for scope in q.get("scope", []) if granted else []:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        token = sign({"iss": "mlci-test-issuer", "sub": user if granted else "", "aud": q.get("service", [""])[0],
                      "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(time.time_ns()), "access": access})
        body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
PY
    /usr/bin/python3 "$dir/token_server.py" "$dir/token.key" "$dir/token.crt" "$REG_USER" "$REG_PASSWORD" \
        "$dir/token.port" >"$dir/token.log" 2>&1 &
    REG_PIDS+=($!)
    local i
    for i in $(seq 1 100); do [[ -s $dir/token.port ]] && break; sleep 0.1; done
    TOKEN_PORT=$(cat "$dir/token.port")
    wait_http "http://127.0.0.1:$TOKEN_PORT/token"
}

start_registry() { # open|basic|token|other (a second open one)
    local kind=$1 dir="$SCRATCH/registry-$1" port
    mkdir -p "$dir/data"
    port=$(free_port)
    local auth=""
    case $kind in
    basic)
        htpasswd -Bbn "$REG_USER" "$REG_PASSWORD" >"$dir/htpasswd" 2>/dev/null ||
            fail "htpasswd (apache2-utils) is needed for the basic-auth registry"
        auth="auth:
  htpasswd:
    realm: mlci-test
    path: $dir/htpasswd"
        ;;
    token)
        start_token_server "$dir"
        auth="auth:
  token:
    realm: http://127.0.0.1:$TOKEN_PORT/token
    service: mlci-test-registry
    issuer: mlci-test-issuer
    rootcertbundle: $dir/token.crt"
        ;;
    esac
    cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$auth
YAML
    /usr/bin/docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    REG_PIDS+=($!)
    wait_http "http://127.0.0.1:$port/v2/"
    case $kind in
    open) REG_OPEN=127.0.0.1:$port ;;
    other) REG_OTHER=127.0.0.1:$port ;;
    basic) REG_BASIC=127.0.0.1:$port ;;
    token) REG_TOKEN=127.0.0.1:$port ;;
    esac
}

# start_fault_proxy HOST:PORT [MODE...]: tests/cli/fault_proxy.py in front of
# a registry (sets PROXY, and PROXY_FAULTS, the log of faults injected). The
# default mode, once, fails once each way the network fails: a PATCH cut off
# mid-body, a manifest PUT answering 503, a HEAD answering 429, a large blob
# GET dropped half way; `once FAULT[xN]...` picks the faults (fault_proxy.py
# names them); `random SEED RATE` fails requests at random. A second proxy
# needs a folder of its own: FAULT_PROXY_DIR.
start_fault_proxy() {
    local target=$1 dir=${FAULT_PROXY_DIR:-$SCRATCH/fault-proxy}
    shift
    local mode=("$@")
    ((${#mode[@]})) || mode=(once)
    mkdir -p "$dir"
    /usr/bin/python3 "$MLCI_SOURCE_DIR/tests/cli/fault_proxy.py" "$target" "$dir/port" \
        "$dir/faults.log" "${mode[@]}" >"$dir/proxy.log" 2>&1 &
    REG_PIDS+=($!)
    local i
    for i in $(seq 1 100); do [[ -s $dir/port ]] && break; sleep 0.1; done
    PROXY=127.0.0.1:$(cat "$dir/port")
    PROXY_FAULTS=$dir/faults.log
    wait_http "http://$PROXY/v2/"
}
