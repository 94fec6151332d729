"""Prediction worker for local endpoints and batch transform: one JSON request per stdin line.

    {"id": 1, "op": "load", "name": "model-a", "artifact": "/path/model.tar.gz"}
    {"id": 2, "op": "predict", "name": "model-a", "csv": "1,2,3\\n4,5,6"}

Answers one JSON line each: {"id": 1, "ok": true, "result": ...} or {"id": 1, "ok": false, "error": "..."}.
Predictions come back as text, one probability per row, with 9 significant digits (float32 exact).
"""

import io
import json
import sys
import tarfile
import tempfile

import numpy as np
import xgboost as xgb

models = {}


def load(name, artifact):
    with tarfile.open(artifact, "r:gz") as archive:
        member = archive.getmember("xgboost-model")
        data = archive.extractfile(member).read()
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(data)
        handle.flush()
        booster = xgb.Booster(params={"nthread": 1}, model_file=handle.name)
    models[name] = booster
    return {"features": booster.num_features()}


def predict(name, csv):
    booster = models[name]
    rows = np.loadtxt(io.StringIO(csv), delimiter=",", ndmin=2)
    if rows.shape[1] != booster.num_features():
        raise ValueError("expected %d features per row, got %d" % (booster.num_features(), rows.shape[1]))
    # inplace_predict reads the array as is; a DMatrix per request copied it into a new matrix first.
    scores = booster.inplace_predict(rows)
    return "\n".join("%.9g" % s for s in scores)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            if request["op"] == "load":
                result = load(request["name"], request["artifact"])
            elif request["op"] == "predict":
                result = predict(request["name"], request["csv"])
            else:
                raise ValueError("unknown op %r" % request["op"])
            answer = {"id": request["id"], "ok": True, "result": result}
        except Exception as problem:  # every failure goes back to the caller, never kills the worker
            answer = {"id": request.get("id"), "ok": False, "error": "%s: %s" % (type(problem).__name__, problem)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
