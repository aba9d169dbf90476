"""An HTTP proxy in front of a registry that fails at random, for the tests.

usage: chaos_proxy.py REGISTRY_HOST:PORT PORT_FILE LOG_FILE SEED RATE

Each request, with probability RATE, meets one fault: a 500, a 429, the
connection dropped before the answer, the request body cut off, the answer's
body truncated, or a 2 s stall before it goes through. Seeded: the same run
meets the same faults in the same order of requests.
"""
import http.client
import random
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

target_host, target_port = sys.argv[1].rsplit(":", 1)
port_file, log_file = sys.argv[2], sys.argv[3]
rng = random.Random(int(sys.argv[4]))
rate = float(sys.argv[5])
lock = threading.Lock()
FAULTS = ["500", "429", "drop", "cut-request", "truncate", "stall"]


def pick(method):
    with lock:
        if rng.random() >= rate:
            return None
        fault = rng.choice(FAULTS)
        if fault == "truncate" and method != "GET":
            fault = "drop"
        if fault == "cut-request" and method not in ("PUT", "PATCH", "POST"):
            fault = "500"
        with open(log_file, "a") as f:
            f.write(f"{fault} {method}\n")
        return fault


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
        fault = pick(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        if fault == "cut-request" and length > 1:
            self.rfile.read(length // 2)
            return self.drop()
        body = self.rfile.read(length) if length else None
        if fault == "500":
            return self.answer(500, {"Content-Type": "application/json"}, b'{"errors":[{"code":"UNKNOWN","message":"chaos"}]}')
        if fault == "429":
            return self.answer(429, {"Retry-After": "0"}, b"")
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
        if fault == "truncate" and len(data) > 1:
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
