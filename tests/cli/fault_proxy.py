"""An HTTP proxy in front of a registry that fails the way networks fail.

usage: fault_proxy.py REGISTRY_HOST:PORT PORT_FILE LOG_FILE once [FAULT[xN]...]
       fault_proxy.py REGISTRY_HOST:PORT PORT_FILE LOG_FILE random SEED RATE

once:   each scripted fault happens once, at the first request it fits: the
        first PATCH is cut off mid-body (cut-patch), the first manifest PUT
        answers 503 (503-manifest-put), the first HEAD answers 429 (429-head),
        the first blob GET over 1 MiB drops the connection half way
        (cut-blob-get). Named FAULTs replace that set, each N times (default
        once); two more may be named: cut-blob-put (a blob PUT of over 1 MiB
        cut off mid-body) and cut-range-get (a GET of a closed byte range,
        "Range: bytes=A-B", that answers 206, dropped half way).
random: each request, with probability RATE, meets one fault: a 500, a 429,
        the connection dropped before the answer, the request body cut off,
        the answer's body truncated, or a 2 s stall. Seeded: the same run
        meets the same faults in the same order of requests.

Every fault is logged, one a line, to LOG_FILE.
"""
import http.client
import random
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

target_host, target_port = sys.argv[1].rsplit(":", 1)
port_file, log_file, mode = sys.argv[2], sys.argv[3], sys.argv[4]
lock = threading.Lock()


def log(line):
    with open(log_file, "a") as f:
        f.write(line + "\n")


class Once:
    """The scripted faults, each taken by the first request it fits."""

    def __init__(self, names):
        names = names or ["cut-patch", "503-manifest-put", "429-head", "cut-blob-get"]
        self.left = {}
        for n in names:
            name, _, times = n.partition("x")
            self.left[name] = int(times or 1)

    def take(self, name):
        with lock:
            if self.left.get(name, 0) <= 0:
                return False
            self.left[name] -= 1
            log(name)
            return True

    def before(self, method, path, length):
        if method == "PATCH" and length > 1 and self.take("cut-patch"):
            return "cut-request"
        blob_put = method == "PUT" and "/blobs/uploads/" in path and length > (1 << 20)
        if blob_put and self.take("cut-blob-put"):
            return "cut-request"
        if method == "PUT" and "/manifests/" in path and self.take("503-manifest-put"):
            return "503"
        if method == "HEAD" and self.take("429-head"):
            return "429"
        return None

    def after(self, method, path, size, status=200, ranged=False):
        if status == 206 and ranged and size > 1 and self.take("cut-range-get"):
            return True
        large_blob = method == "GET" and "/blobs/sha256:" in path and size > (1 << 20)
        return large_blob and self.take("cut-blob-get")


class Random:
    """Faults at random, at a rate, from a seed."""

    FAULTS = ["500", "429", "drop", "cut-request", "truncate", "stall"]

    def __init__(self, seed, rate):
        self.rng = random.Random(seed)
        self.rate = rate
        self.truncating = threading.local()

    def before(self, method, path, length):
        with lock:
            fault = None
            if self.rng.random() < self.rate:
                fault = self.rng.choice(self.FAULTS)
                if fault == "truncate" and method != "GET":
                    fault = "drop"
                if fault == "cut-request" and method not in ("PUT", "PATCH", "POST"):
                    fault = "500"
                log(f"{fault} {method}")
        self.truncating.now = fault == "truncate"
        return fault

    def after(self, method, path, size, status=200, ranged=False):
        return self.truncating.now and size > 1


faults = Once(sys.argv[5:]) if mode == "once" else Random(int(sys.argv[5]), float(sys.argv[6]))


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        fault = faults.before(self.command, self.path, length)
        if fault == "cut-request" and length > 1:
            self.rfile.read(length // 2)
            return self.drop()
        body = self.rfile.read(length) if length else None
        if fault in ("500", "503"):
            code = "UNAVAILABLE" if fault == "503" else "UNKNOWN"
            message = b'{"errors":[{"code":"%s","message":"injected fault"}]}' % code.encode()
            return self.answer(int(fault), {"Content-Type": "application/json"}, message)
        if fault == "429":
            return self.answer(429, {"Retry-After": "1" if mode == "once" else "0"}, b"")
        if fault == "drop":
            return self.drop()
        if fault == "stall":
            time.sleep(2)
        conn = http.client.HTTPConnection(target_host, int(target_port))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        out = {k: v for k, v in resp.getheaders() if k.lower() not in ("connection", "transfer-encoding", "content-length")}
        if self.command == "HEAD":
            out["Content-Length"] = resp.getheader("Content-Length", "0")
            return self.answer(resp.status, out, b"", head=True)
        # A closed range "bytes=A-B", as a pull of some chunks of a pack asks.
        range_header = self.headers.get("Range") or ""
        ranged = range_header.startswith("bytes=") and not range_header.endswith("-")
        if faults.after(self.command, self.path, len(data), resp.status, ranged):
            # The full length announced, half the body sent, then hung up.
            self.send_response(resp.status)
            for k, v in out.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            return self.drop()
        self.answer(resp.status, out, data)

    def answer(self, status, headers, data, head=False):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if not head:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
