# mlci watch on the iris example: drift against the dataset's profile (and
# through a run's lineage), alerts, report artifacts, --on-alert, mlci.yaml,
# standard input, an HTTP source, a followed file across rotation, and a real
# Prometheus scraping --listen.
source "$(dirname "$0")/lib.sh"

out=$SCRATCH/out err=$SCRATCH/err # what expect_exit kept
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
[[ -x $PROMETHEUS ]] || fail "prometheus not found at $PROMETHEUS (install Debian's prometheus: share/scripts/install-deps.sh)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# wait_for SECONDS COMMAND...: retries COMMAND until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}
json_field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

cp -r "$MLCI_SOURCE_DIR/share/examples/iris" proj
cd proj
# This test writes its own watch section: drop the example's (the last one).
sed -i '/^watch:/,$d' mlci.yaml
/usr/bin/python3 scripts/export_data.py
expect_exit 0 mlci init
expect_exit 0 mlci data-version add data/iris.csv -m "first export"
iris_v1=$(mlci show --json iris:v1 | json_field 'd["digest"]')
/usr/bin/python3 scripts/simulate_traffic.py >events.jsonl
/usr/bin/python3 scripts/simulate_traffic.py --drift >shifted.jsonl
[[ $(wc -l <events.jsonl) == 150 ]] || fail "simulate_traffic.py wrote $(wc -l <events.jsonl) events"

# Help works outside a store, and names the flags.
(cd "$SCRATCH" && expect_exit 0 mlci watch --help && expect_in "$out" "--baseline")
(cd "$SCRATCH" && expect_exit 0 mlci help watch && expect_in "$out" "--on-alert")

rules=(--rule 'psi(*) > 0.2' --rule 'ks(*) > 0.3' --rule 'accuracy < 0.85' --rule 'missing(*) > 0.05')

# --- unshifted events: no alert ----------------------------------------------
expect_exit 0 mlci watch --once --baseline iris:v1 "${rules[@]}" events.jsonl
expect_not_in "$err" "alert:"
expect_in "$err" "150 events, 0 malformed lines, 1 window, 0 alerts"
expect_in "$err" "accuracy 0.96"
expect_eq "$(cat "$out")" "" "stdout without an alert"

# --- shifted events: alerts, a report, --on-alert ----------------------------
hook='echo "$MLCI_WATCH_REPORT" >hook-ref.txt; cp "$MLCI_WATCH_REPORT_FILE" hook.json; printf "%s" "$MLCI_WATCH_ALERTS" >hook-alerts.txt'
expect_exit 1 mlci watch --once --baseline iris:v1 "${rules[@]}" --on-alert "$hook" shifted.jsonl
expect_in "$err" "alert: psi(petal_length) = "
expect_in "$err" "alert: ks(sepal_width) = "
expect_in "$err" "(window 1, 150 events)"
expect_not_in "$err" "alert: psi(petal_width)"
report=$(cat "$out")
expect_eq "$report" "watch-iris:v1" "the report's reference"
expect_eq "$(cat hook-ref.txt)" "watch-iris:v1" "MLCI_WATCH_REPORT"
expect_in hook-alerts.txt "psi(petal_length) = "
mlci show --json "$report" >show.json || fail "mlci show of the report"
/usr/bin/python3 - "$iris_v1" <<'PY' || fail "watch report artifact"
import json, sys
doc = json.load(open("show.json"))
m = doc["manifest"]
assert m["artifactType"] == "application/vnd.mlci.watch-report.v1", m
assert m["subject"]["digest"] == sys.argv[1], m["subject"]
assert m["annotations"]["dev.mlci.kind"] == "watch-report"
assert m["annotations"]["dev.mlci.verdict"] == "alert"
c = doc["config"]
assert c["window"]["events"] == 150 and c["window"]["index"] == 1, c["window"]
feats = {f["name"]: f for f in c["features"]}
assert set(feats) == {"sepal_length", "sepal_width", "petal_length", "petal_width"}, feats
assert feats["petal_length"]["psi"] > 0.2 and feats["petal_width"]["psi"] < 0.2, feats
assert c["baseline"]["target"] == "species" and c["task"] == "classification"
assert any(a["name"] == "psi(petal_length)" for a in c["alerts"]), c["alerts"]
hook = json.load(open("hook.json"))
assert hook["alerts"] == c["alerts"], "MLCI_WATCH_REPORT_FILE is the stored report"
PY
mlci show "$report" >/dev/null || fail "mlci show (text) of the report"
# A second breach makes the next version.
expect_exit 1 mlci watch --once --baseline iris:v1 --rule 'psi(petal_length) > 0.2' shifted.jsonl
expect_eq "$(cat "$out")" "watch-iris:v2" "second report"

# --json: one document with the statistics and the reference.
expect_exit 1 mlci --json watch --once --baseline iris:v1 --rule 'psi(*) > 0.2' --name json shifted.jsonl
json_field 'd["reference"], d["verdict"]' <"$out" | grep -qx "watch-json:v1 alert" || fail "--json output"

# --- malformed lines are counted, not fatal ----------------------------------
{ head -n 20 events.jsonl; echo 'not json'; echo '{"features": 3}'; tail -n +21 events.jsonl; } >mixed.jsonl
expect_exit 0 mlci watch --once --baseline iris:v1 "${rules[@]}" mixed.jsonl
expect_in "$err" "mixed.jsonl: line 21: not valid JSON"
expect_in "$err" "mixed.jsonl: line 22: 'features' is not an object"
expect_in "$err" "150 events, 2 malformed lines"

# --- configurable field names ------------------------------------------------
sed 's/"features"/"inputs"/; s/"prediction"/"output"/' shifted.jsonl >renamed.jsonl
expect_exit 1 mlci watch --once --baseline iris:v1 --rule 'prediction_psi > 0.2' \
    --features-field inputs --prediction-field output renamed.jsonl
expect_in "$err" "alert: prediction_psi = "

# --- count windows with --once: the last full window --------------------------
cat events.jsonl shifted.jsonl >both.jsonl
expect_exit 1 mlci watch --once --window 100 --baseline iris:v1 --rule 'psi(petal_length) > 0.2' both.jsonl
expect_in "$err" "(window 3, 100 events)"

# --- standard input ----------------------------------------------------------
expect_exit 1 mlci watch --once - --baseline iris:v1 --rule 'psi(*) > 0.2' <shifted.jsonl
expect_in "$err" "alert: psi(petal_length)"
# Without --once a stream that ends ends the watch cleanly (exit 0).
expect_exit 0 mlci watch - --window 50 --baseline iris:v1 --rule 'psi(*) > 0.2' <shifted.jsonl
expect_in "$err" "150 events, 0 malformed lines, 3 windows"

# --- usage errors ------------------------------------------------------------
expect_exit 2 mlci watch --once --baseline iris:v1 --rule 'psi(age > 0.2' events.jsonl
expect_in "$err" "invalid rule 'psi(age > 0.2'"
expect_exit 2 mlci watch --once --baseline iris:v1 --rule 'psi(age) > 0.2' events.jsonl
expect_in "$err" "rule 'psi(age) > 0.2' names feature 'age'"
expect_exit 2 mlci watch --once --baseline no-such:v1 events.jsonl
expect_exit 2 mlci watch --once --baseline iris:v1 no-such-file.jsonl
expect_in "$err" "no-such-file.jsonl"
expect_exit 2 mlci watch --once events.jsonl
expect_in "$err" "no baseline"
expect_exit 2 mlci watch --once --baseline iris:v1 --window 10 --window-seconds 5 events.jsonl

# --- mlci.yaml's watch section -----------------------------------------------
cp mlci.yaml mlci.yaml.orig
cat >>mlci.yaml <<'YAML'
watch:
  name: from-yaml
  baseline: iris:v1
  window: 1000
  rules: ["psi(*) > 0.2"]
YAML
expect_exit 1 mlci watch --once shifted.jsonl
expect_eq "$(cat "$out")" "watch-from-yaml:v1" "report named by mlci.yaml"
expect_exit 0 mlci watch --once events.jsonl
mkdir -p bad
printf 'watch:\n  baseline: iris:v1\n  rulez: []\n' >bad/mlci.yaml
(cd bad && expect_exit 2 mlci watch --once ../events.jsonl)
expect_in "$err" "mlci.yaml:3"
expect_in "$err" "rulez"
cp mlci.yaml.orig mlci.yaml

# --- the baseline through lineage: a run's input dataset ---------------------
expect_exit 0 mlci train
run=$(cat "$out")
run_digest=$(mlci show --json "$run" | json_field 'd["digest"]')
expect_exit 1 mlci watch --once --baseline "$run" --rule 'psi(*) > 0.2' --name lineage shifted.jsonl
expect_in "$err" "against run"
mlci show --json watch-lineage:v1 | json_field 'd["manifest"]["subject"]["digest"]' >subject.txt
expect_eq "$(cat subject.txt)" "$run_digest" "report subject is the run"
# A package leads to its run, then to the run's input dataset; the report's
# subject is the package (the deployed artifact).
expect_exit 0 mlci package "$run" --allow-unvalidated --tag iris-image:1
pkg_digest=$(mlci show --json iris-image:1 | json_field 'd["digest"]')
expect_exit 1 mlci watch --once --baseline iris-image:1 --rule 'psi(*) > 0.2' --name pkg shifted.jsonl
expect_in "$err" "against package 'iris-image:1' (data/iris.csv of iris:v1"
mlci show --json watch-pkg:v1 | json_field 'd["manifest"]["subject"]["digest"]' >subject.txt
expect_eq "$(cat subject.txt)" "$pkg_digest" "report subject is the package"

# --- an HTTP endpoint --------------------------------------------------------
http_port=$(free_port)
/usr/bin/python3 -m http.server "$http_port" --bind 127.0.0.1 >http.log 2>&1 &
pids+=($!)
wait_for 20 curl -sf "http://127.0.0.1:$http_port/shifted.jsonl" || fail "http.server did not start"
expect_exit 1 mlci watch --once --baseline iris:v1 --rule 'psi(*) > 0.2' "http://127.0.0.1:$http_port/shifted.jsonl"
expect_in "$err" "alert: psi(petal_length)"
expect_exit 3 mlci watch --once --baseline iris:v1 "http://127.0.0.1:$(free_port)/none.jsonl"
# A growing file served with Range support: each poll asks for what follows,
# so no event is counted twice.
cat >range_server.py <<'PY'
import http.server, re, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        data = open(self.translate_path(self.path), "rb").read()
        m = re.match(r"bytes=(\d+)-$", self.headers.get("Range", ""))
        start = int(m.group(1)) if m else 0
        if m and start >= len(data):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            body = b""
        elif m:
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            body = data[start:]
        else:
            self.send_response(200)
            body = data
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
range_port=$(free_port)
head -n 100 events.jsonl >growing.jsonl
/usr/bin/python3 range_server.py "$range_port" &
pids+=($!)
wait_for 20 curl -sf "http://127.0.0.1:$range_port/growing.jsonl" || fail "range server did not start"
"$MLCI" watch "http://127.0.0.1:$range_port/growing.jsonl" --baseline iris:v1 --window 50 \
    --poll-interval 0.1 >range.out 2>range.err &
range_pid=$!
pids+=($range_pid)
wait_for 20 grep -q "^window 2:" range.err || { cat range.err >&2; fail "no windows from the URL"; }
tail -n +101 events.jsonl >>growing.jsonl
wait_for 20 grep -q "^window 3:" range.err || { cat range.err >&2; fail "no third window from the URL"; }
sleep 0.5
kill -TERM "$range_pid"
code=0
wait "$range_pid" || code=$?
expect_eq "$code" 0 "exit status after SIGTERM"
expect_in range.err "150 events, 0 malformed lines, 3 windows"

# --- a followed file, rotation, and a real Prometheus scraping --listen ------
metrics_port=$(free_port)
prom_port=$(free_port)
: >live.jsonl
"$MLCI" watch live.jsonl --baseline iris:v1 --window 50 --poll-interval 0.1 \
    --rule 'psi(*) > 0.2' --name live --listen "127.0.0.1:$metrics_port" >live.out 2>live.err &
watch_pid=$!
pids+=($watch_pid)
wait_for 20 curl -sf "http://127.0.0.1:$metrics_port/metrics" || { cat live.err >&2; fail "--listen did not answer"; }
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics_port/other" | grep -qx 404 || fail "no 404 off /metrics"
cat events.jsonl >>live.jsonl
# Rotation: the old file moves away, a new one takes its name.
mv live.jsonl live.jsonl.1
cat shifted.jsonl >live.jsonl
wait_for 30 grep -q "^watch-live:v" live.out || { cat live.err >&2; fail "no report from the followed file"; }
# The first report may come while the follower still reads the new file:
# wait (bounded) for every event of both files to be counted.
events_counted() { curl -sf "http://127.0.0.1:$metrics_port/metrics" | grep -q '^mlci_watch_events_total 300$'; }
wait_for 30 events_counted || true
metrics=$(curl -sf "http://127.0.0.1:$metrics_port/metrics")
grep -q '^mlci_watch_events_total 300$' <<<"$metrics" || { echo "$metrics" >&2; fail "events_total after rotation"; }
grep -q '^# TYPE mlci_watch_psi gauge$' <<<"$metrics" || fail "no TYPE line for mlci_watch_psi"
grep -q '^mlci_watch_psi{feature="petal_length"} ' <<<"$metrics" || fail "no psi gauge"
grep -q '^mlci_watch_alerts_total [1-9]' <<<"$metrics" || fail "no alerts counted"

mkdir -p prom
cat >prom/prometheus.yml <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: mlci-watch
    static_configs:
      - targets: ['127.0.0.1:$metrics_port']
YAML
"$PROMETHEUS" --config.file=prom/prometheus.yml --storage.tsdb.path=prom/data \
    --web.listen-address="127.0.0.1:$prom_port" >prom/log 2>&1 &
pids+=($!)
query() {
    curl -sf "http://127.0.0.1:$prom_port/api/v1/query?query=$1" >prom/answer.json &&
        /usr/bin/python3 - "$2" <<'PY'
import json, sys
d = json.load(open("prom/answer.json"))
series = {r["metric"].get("feature", ""): float(r["value"][1]) for r in d["data"]["result"]}
sys.exit(0 if sys.argv[1] in series else 1)
PY
}
wait_for 60 query mlci_watch_psi petal_length || { cat prom/log >&2; cat prom/answer.json >&2 || true; fail "prometheus has no mlci_watch_psi series"; }
wait_for 30 query mlci_watch_events_total "" || fail "prometheus has no mlci_watch_events_total"
/usr/bin/python3 - <<'PY' || fail "prometheus's psi of petal_length"
import json
d = json.load(open("prom/answer.json"))
assert d["status"] == "success", d
PY
query 'mlci_watch_psi%7Bfeature%3D%22petal_length%22%7D' petal_length || fail "query by label"
/usr/bin/python3 -c '
import json; d = json.load(open("prom/answer.json"))
v = float(d["data"]["result"][0]["value"][1]); assert v > 0.2, v' || fail "scraped psi of petal_length is not the drifted value"

# SIGTERM ends the watch cleanly.
kill -TERM "$watch_pid"
code=0
wait "$watch_pid" || code=$?
expect_eq "$code" 0 "exit status after SIGTERM"
expect_in live.err "alert: psi(petal_length)"

pass
