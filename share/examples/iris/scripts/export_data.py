"""Exports scikit-learn's bundled iris data to data/iris.csv (no download).

With --perturb, shifts the measurements and drops some rows: a second data
version whose drift and status the tour shows.
"""
import argparse
import pathlib

from sklearn.datasets import load_iris


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="data/iris.csv")
    parser.add_argument("--perturb", action="store_true")
    args = parser.parse_args()

    frame = load_iris(as_frame=True).frame
    names = load_iris().target_names
    frame = frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    frame["species"] = [names[t] for t in frame.pop("target")]
    if args.perturb:
        frame = frame.iloc[::2].copy()
        frame["sepal_length"] = (frame["sepal_length"] * 1.3).round(1)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)


if __name__ == "__main__":
    main()
