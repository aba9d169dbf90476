import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from features import FEATURES, load_table  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "iris.csv")


def test_table_has_every_feature_and_a_label():
    features, labels = load_table(DATA)
    assert len(features) == len(labels) >= 50
    assert all(len(row) == len(FEATURES) for row in features)


def test_three_species():
    _, labels = load_table(DATA)
    assert set(labels) == {"setosa", "versicolor", "virginica"}


def test_empty_table_is_an_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(FEATURES + ["species"]) + "\n")
    with pytest.raises(ValueError):
        load_table(str(empty))
