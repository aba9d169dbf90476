"""Reading the iris table into features and labels."""
import csv

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
LABEL = "species"


def load_table(path):
    """Returns (rows of feature floats, labels) from the CSV at path."""
    features, labels = [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            features.append([float(row[name]) for name in FEATURES])
            labels.append(row[LABEL])
    if not features:
        raise ValueError(f"{path}: no rows")
    return features, labels
