"""The floor of a local run: its ML work alone, in one process, with nothing else around it.

    python3 tools/bench/floor.py DATA.csv CONFIG.json

Starts Python, imports XGBoost, prepares the data with the pipeline's own transform, trains with the
config's hyperparameters and scores the test split; prints the seconds of each step as JSON.
`npm run bench` compares a whole `npm start` with this.
"""

import io
import json
import os
import sys
import time

START = time.perf_counter()
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "etl"))

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402

import transform  # noqa: E402
from train import params_from  # noqa: E402


def matrix(rows):
    data = np.loadtxt(io.StringIO("\n".join(rows)), delimiter=",", ndmin=2)
    return data[:, 1:], data[:, 0]


def main(data_path, config_path):
    steps = {"import": time.perf_counter() - START}
    mark = time.perf_counter()
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    with open(data_path, "rb") as handle:
        lines = handle.read().decode("utf-8", errors="replace").splitlines(keepends=True)
    splits = transform.prepare(lines, config)["splits"]
    steps["prepare"], mark = time.perf_counter() - mark, time.perf_counter()
    params, num_round = params_from(config["training"]["hyperparameters"])
    train, validation = (xgb.DMatrix(*matrix(splits[s])) for s in ("train", "validation"))
    booster = xgb.train(
        params, train, num_round, evals=[(train, "train"), (validation, "validation")], verbose_eval=False
    )
    steps["train"], mark = time.perf_counter() - mark, time.perf_counter()
    features, _ = matrix(splits["test"])
    booster.inplace_predict(features)
    steps["score"] = time.perf_counter() - mark
    print(json.dumps(steps))


if __name__ == "__main__":
    main(*sys.argv[1:3])
