"""Serves the iris model over HTTP: the packaged image's entrypoint.

  GET  /healthz             200 when the model is loaded
  POST /predict             {"features": {"sepal_length": 5.1, ...}} -> {"prediction": "setosa"}

`serve.py --check` loads the model, predicts one known flower and exits 0 when
the answer is right: the health check of a `dir` deploy. The model is found
at $MLCI_MODEL, else ../model/model.pkl beside this file (the layout of an
unpacked package), else /model/model.pkl.
"""
import argparse
import json
import os
import pickle
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
KNOWN = ({"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
         "setosa")


def model_path():
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.environ.get("MLCI_MODEL"), os.path.join(here, "..", "model", "model.pkl"),
                 "/model/model.pkl"):
        if path and os.path.exists(path):
            return path
    sys.exit("serve.py: no model.pkl found (set MLCI_MODEL)")


def predict(model, features):
    return str(model.predict([[float(features[name]) for name in FEATURES]])[0])


def handler_for(model):
    class Handler(BaseHTTPRequestHandler):
        def reply(self, code, doc):
            body = json.dumps(doc).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/healthz":
                self.reply(200, {"status": "ok"})
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/predict":
                self.reply(404, {"error": "not found"})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                event = json.loads(self.rfile.read(length))
                self.reply(200, {"prediction": predict(model, event["features"])})
            except (ValueError, KeyError, TypeError) as e:
                self.reply(400, {"error": str(e)})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with open(model_path(), "rb") as f:
        model = pickle.load(f)
    if args.check:
        got = predict(model, KNOWN[0])
        print(f"health check: predicted {got} for a known {KNOWN[1]}")
        sys.exit(0 if got == KNOWN[1] else 1)
    # A container's stop sends SIGTERM, which a PID 1 without a handler
    # ignores: without this, every stop waits out the runtime's grace period.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("0.0.0.0", args.port), handler_for(model)).serve_forever()


if __name__ == "__main__":
    main()
