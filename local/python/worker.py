"""Prediction worker for local endpoints and batch transform: one JSON request per stdin line.

    {"id": 1, "op": "load", "name": "model-a", "artifact": "/path/model.tar.gz"}
    {"id": 2, "op": "predict", "name": "model-a", "csv": "1,2,3\\n4,5,6"}
    {"id": 3, "op": "stats"}

Answers one JSON line each: {"id": 1, "ok": true, "result": ...} or {"id": 1, "ok": false, "error": "..."}.
Predictions come back as text, one probability per row, with 9 significant digits (float32 exact).
Requests that arrive together are answered together (see predict_together); order is kept.
Local mode forks it from the job server (XGBoost already imported) with a Unix socket as its stdin and
stdout (local/prediction-worker.ts); run alone, it reads and writes its own stdin and stdout.
"""

import importlib
import io
import json
import os
import sys
import tarfile
import tempfile

import numpy as np
import xgboost as xgb

# XGBoost 1.7's inplace_predict asks on every call whether the data is a pandas, modin, cuDF or CuPy
# object by importing them; where they are not installed each failed import searches sys.path, which
# costs more than a one-row prediction itself. A module recorded as None fails at once.
for _optional in ("pandas", "modin", "modin.pandas", "cudf", "cupy", "pyarrow"):
    try:
        importlib.import_module(_optional)
    except ImportError:
        sys.modules[_optional] = None

models = {}
# How many predict requests were answered and in how many XGBoost calls (the "stats" op reports it).
counts = {"requests": 0, "calls": 0}


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


def parse_rows(name, csv):
    booster = models[name]
    rows = np.loadtxt(io.StringIO(csv), delimiter=",", ndmin=2)
    if rows.shape[1] != booster.num_features():
        raise ValueError("expected %d features per row, got %d" % (booster.num_features(), rows.shape[1]))
    return rows


def format_scores(scores):
    return "\n".join("%.9g" % s for s in scores)


def predict_together(requests):
    """Scores predict requests that arrived together: one inplace_predict per model.

    Each call has a fixed cost that dwarfs a row's own; rows are scored independently, so
    stacking them gives each row the score it would get alone. Returns (ok, result) per request.
    """
    answers = [None] * len(requests)
    parsed = {}
    for position, request in enumerate(requests):
        try:
            rows = parse_rows(request["name"], request["csv"])
            parsed.setdefault(request["name"], []).append((position, rows))
        except Exception as problem:
            answers[position] = (False, describe(problem))
    for name, batch in parsed.items():
        try:
            scores = models[name].inplace_predict(np.vstack([rows for _, rows in batch]))
            counts["calls"] += 1
            counts["requests"] += len(batch)
        except Exception as problem:  # the stacked call failing fails each request in it
            for position, _ in batch:
                answers[position] = (False, describe(problem))
            continue
        start = 0
        for position, rows in batch:
            answers[position] = (True, format_scores(scores[start : start + len(rows)]))
            start += len(rows)
    return answers


def describe(problem):
    return "%s: %s" % (type(problem).__name__, problem)


def run_one(request):
    try:
        if "unreadable" in request:
            raise ValueError(request["unreadable"])
        if request.get("op") == "stats":
            return True, dict(counts)
        if request.get("op") != "load":
            raise ValueError("unknown op %r" % request.get("op"))
        return True, load(request["name"], request["artifact"])
    except Exception as problem:  # every failure goes back to its caller, never kills the worker
        return False, describe(problem)


def answer_batch(requests):
    """Answers a batch in order; consecutive predicts are scored together, a load waits its turn."""
    results = []
    run = []
    for request in requests + [None]:
        if request is not None and request.get("op") == "predict":
            run.append(request)
            continue
        results += predict_together(run)
        run = []
        if request is not None:
            results.append(run_one(request))
    lines = []
    for request, (ok, result) in zip(requests, results):
        lines.append(
            json.dumps({"id": request.get("id"), "ok": ok, "result" if ok else "error": result}) + "\n"
        )
    return "".join(lines)


def parse_line(line):
    try:
        request = json.loads(line)
    except ValueError:
        request = None
    return (
        request
        if isinstance(request, dict)
        else {"op": None, "unreadable": "a request must be one JSON object per line"}
    )


def read_batches(fd=0):
    """Yields the complete request lines that arrived together, as one batch each."""
    pending = b""
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return
        pending += chunk
        *complete, pending = pending.split(b"\n")
        batch = [parse_line(line) for line in complete if line.strip()]
        if batch:
            yield batch


def main():
    for batch in read_batches():
        sys.stdout.write(answer_batch(batch))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
