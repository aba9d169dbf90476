"""Simulates a deployed iris classifier's live traffic as JSON lines on
standard output, one inference event a line, for `mlci watch`:

  {"ts": 1717000000.0, "features": {"sepal_length": 5.1, ...},
   "prediction": "setosa", "label": "setosa"}

Features and labels come from data/iris.csv; the prediction from a simple
rule on the petals (what a small tree learns). With --drift the petals grow
and the sepals narrow, as if a new supplier measured differently: `mlci
watch` should alert on that, and not on the unshifted stream.
Only the standard library: it runs with /usr/bin/python3 anywhere.
"""
import argparse
import csv
import json
import random
import sys

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def predict(row: dict) -> str:
    if row["petal_length"] < 2.5:
        return "setosa"
    return "versicolor" if row["petal_width"] < 1.75 else "virginica"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/iris.csv")
    parser.add_argument("--count", type=int, default=0, help="events (default: one per row)")
    parser.add_argument("--drift", action="store_true", help="shift the measurements")
    parser.add_argument("--start", type=float, default=1717000000.0, help="first timestamp")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between events")
    parser.add_argument("--missing", type=float, default=0.0,
                        help="share of feature values left out")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with open(args.data, newline="") as f:
        rows = list(csv.DictReader(f))
    rng = random.Random(args.seed)
    count = args.count or len(rows)
    out = sys.stdout
    for i in range(count):
        src = rows[i % len(rows)] if count <= len(rows) else rng.choice(rows)
        row = {k: float(src[k]) for k in FEATURES}
        if args.drift:
            row["petal_length"] = round(row["petal_length"] * 1.5 + 1.0, 1)
            row["sepal_width"] = round(row["sepal_width"] * 0.7, 1)
        features = {k: v for k, v in row.items() if rng.random() >= args.missing}
        event = {
            "ts": args.start + i * args.interval,
            "features": features,
            "prediction": predict(row),
            "label": src["species"],
        }
        out.write(json.dumps(event, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
