"""Writes functions/fixtures/api-test-cases.json: known rows from the sample's held-out test split.

    python3 etl/make_api_fixture.py

The test runner sends these rows to the test API and expects their labels back; they come from the
test split, so the model never trained on them.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import transform  # noqa: E402

POSITIVES, NEGATIVES = 8, 12


def main():
    with open(os.path.join(ROOT, "config", "ml-pipeline-config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    with open(os.path.join(ROOT, "sample-datasets", "customer-churn.csv"), encoding="utf-8") as handle:
        lines = handle.readlines()
    test_rows = [row.split(",") for row in transform.prepare(lines, config)["splits"]["test"]]
    picked = [r for r in test_rows if r[0] == "1"][:POSITIVES] + [r for r in test_rows if r[0] == "0"][
        :NEGATIVES
    ]
    cases = [
        {
            "name": "test-split row %d (label %s)" % (i + 1, r[0]),
            "expectedClass": int(r[0]),
            "features": [float(v) for v in r[1:]],
        }
        for i, r in enumerate(picked)
    ]
    target = os.path.join(ROOT, "functions", "fixtures", "api-test-cases.json")
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(
            {"source": "sample-datasets/customer-churn.csv, test split", "cases": cases}, handle, indent=1
        )
        handle.write("\n")
    print("wrote %d cases to %s" % (len(cases), target))


if __name__ == "__main__":
    main()
