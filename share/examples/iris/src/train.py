"""Trains a scikit-learn classifier on the iris table.

Reads its parameters from the JSON file that `mlci train` names in
$MLCI_PARAMS (else from params.yaml's defaults), writes model.pkl and
metrics.json. The split and the model are seeded: the same data and params
give the same model and metrics.
"""
import json
import os
import pickle
import sys

from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(__file__))
from features import load_table  # noqa: E402

DEFAULTS = {"n_estimators": 50, "max_depth": 4, "test_size": 0.3, "seed": 7}


def load_params():
    params = dict(DEFAULTS)
    path = os.environ.get("MLCI_PARAMS")
    if path:
        with open(path) as f:
            params.update(json.load(f))
    return params


def main() -> None:
    data = sys.argv[1] if len(sys.argv) > 1 else "data/iris.csv"
    params = load_params()
    features, labels = load_table(data)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=float(params["test_size"]),
        random_state=int(params["seed"]), stratify=labels)
    model = RandomForestClassifier(
        n_estimators=int(params["n_estimators"]), max_depth=int(params["max_depth"]),
        random_state=int(params["seed"]))
    model.fit(x_train, y_train)
    predicted = model.predict(x_test)
    metrics = {
        "accuracy": round(float(accuracy_score(y_test, predicted)), 6),
        "f1_macro": round(float(f1_score(y_test, predicted, average="macro")), 6),
        "train": {"rows": len(x_train)},
        "test": {"rows": len(x_test)},
    }
    with open("model.pkl", "wb") as f:
        pickle.dump(model, f)
    with open("metrics.json", "w") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
    print(f"accuracy {metrics['accuracy']:.4f}  f1_macro {metrics['f1_macro']:.4f}")


if __name__ == "__main__":
    main()
