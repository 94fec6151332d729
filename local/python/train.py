"""Local stand-in for a SageMaker XGBoost training job: same inputs, same output contract.

    python3 train.py --train DIR --validation DIR --hyperparameters JSON --output-dir DIR --feature-names JSON

Reads label-first, header-less CSV (every *.csv under each channel), trains with the job's
hyperparameters (the SageMaker XGBoost container's names: num_round, objective, eta, ...), and writes
OUTPUT/model.tar.gz holding `xgboost-model` (the binary format SageMaker uses), OUTPUT/metrics.json
(final metrics as FinalMetricDataList) and OUTPUT/feature-importance.json (gain by feature name).
"""

import argparse
import glob
import json
import os
import sys
import tarfile

import numpy as np
import xgboost as xgb

NUMERIC_KEYS = {
    "num_round",
    "max_depth",
    "min_child_weight",
    "subsample",
    "eta",
    "gamma",
    "colsample_bytree",
    "lambda",
    "alpha",
    "scale_pos_weight",
    "max_delta_step",
    "early_stopping_rounds",
    "seed",
    "nthread",
}


def load(channel):
    files = sorted(glob.glob(os.path.join(channel, "**", "*.csv"), recursive=True))
    if not files:
        raise SystemExit("error: no CSV files under %s" % channel)
    parts = [np.loadtxt(f, delimiter=",", ndmin=2) for f in files if os.path.getsize(f) > 0]
    data = np.vstack(parts)
    return xgb.DMatrix(data[:, 1:], label=data[:, 0])


def params_from(hyperparameters):
    params = {}
    for key, value in hyperparameters.items():
        if key in NUMERIC_KEYS:
            number = float(value)
            params[key] = int(number) if number.is_integer() else number
        else:
            params[key] = value
    num_round = int(params.pop("num_round", 100))
    params.pop("early_stopping_rounds", None)
    # One thread: measured faster than two on small data here, and results are reproducible.
    params.setdefault("nthread", 1)
    params.setdefault("seed", 0)
    return params, num_round


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--validation", required=True)
    parser.add_argument("--hyperparameters", required=True)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--feature-names", default="[]")
    args = parser.parse_args(argv)
    params, num_round = params_from(json.loads(args.hyperparameters))
    train, validation = load(args.train), load(args.validation)
    history = {}
    booster = xgb.train(
        params,
        train,
        num_round,
        evals=[(train, "train"), (validation, "validation")],
        evals_result=history,
        verbose_eval=False,
    )
    os.makedirs(args.output_dir, exist_ok=True)
    model_path = os.path.join(args.output_dir, "xgboost-model")
    booster.save_model(model_path)
    with tarfile.open(os.path.join(args.output_dir, "model.tar.gz"), "w:gz") as archive:
        archive.add(model_path, arcname="xgboost-model")
    os.remove(model_path)
    metrics = [
        {"MetricName": "%s:%s" % (split, name), "Value": float(values[-1])}
        for split, named in history.items()
        for name, values in named.items()
    ]
    names = json.loads(args.feature_names)
    gain = booster.get_score(importance_type="gain")
    importance = sorted(
        (
            {"feature": names[int(k[1:])] if names and int(k[1:]) < len(names) else k, "gain": float(v)}
            for k, v in gain.items()
        ),
        key=lambda item: -item["gain"],
    )
    with open(os.path.join(args.output_dir, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump({"FinalMetricDataList": metrics, "rounds": num_round}, handle, indent=1)
    with open(os.path.join(args.output_dir, "feature-importance.json"), "w", encoding="utf-8") as handle:
        json.dump(importance, handle, indent=1)
    print(json.dumps({"FinalMetricDataList": metrics}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
