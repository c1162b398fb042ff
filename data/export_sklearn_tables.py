#!/usr/bin/env python3
"""Writes scikit-learn's bundled example tables as CSV files with a header line, for fm train/demo.

Usage: python3 data/export_sklearn_tables.py OUT_DIR   (needs scikit-learn, e.g. Debian's python3-sklearn)
Writes iris.csv (150 x 4), wine.csv (178 x 13), breast_cancer.csv (569 x 30) and digits.csv (1797 x 64);
class labels are left out. Column names: the feature names with spaces, brackets and slashes replaced.
"""
import pathlib
import re
import sys

from sklearn import datasets


def column(name):
    return re.sub(r"[ /]", "_", re.sub(r"[()]", "", name))


def value(v):
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name, loader in [("iris", datasets.load_iris), ("wine", datasets.load_wine),
                         ("breast_cancer", datasets.load_breast_cancer), ("digits", datasets.load_digits)]:
        table = loader()
        lines = [",".join(column(n) for n in table.feature_names)]
        lines += [",".join(value(v) for v in row) for row in table.data]
        path = out / (name + ".csv")
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_text("\n".join(lines) + "\n")
        tmp.replace(path)
        print(f"{path}: {table.data.shape[0]} rows, {table.data.shape[1]} columns")


if __name__ == "__main__":
    main()
