import contextlib
import copy
import io
import importlib
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import glue_stand_in  # noqa: E402
import prepare_data  # noqa: E402
from glue_stand_in import S3, parts_of  # noqa: E402

RAW = "s3://staging/datasets/customer-churn.csv"
CONFIG_URI = "s3://staging/config/ml-pipeline-config.json"
OUT = "s3://staging/runs/r1/data/"


def local_outputs(data, config_path):
    """What local data prep writes for the same input, by relative path."""
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.csv")
        with open(source, "w", encoding="utf-8", newline="") as handle:
            handle.write(data)
        out = os.path.join(folder, "out")
        with contextlib.redirect_stdout(io.StringIO()):
            status = prepare_data.main(["--input", source, "--config", config_path, "--output-dir", out])
        found = {}
        for base, _, files in os.walk(out):
            for name in files:
                with open(os.path.join(base, name), encoding="utf-8") as handle:
                    found[os.path.relpath(os.path.join(base, name), out)] = handle.read()
        return status, found


def glue_run(data, config_text, partitions):
    """Runs glue_job.main() under the stand-ins; returns whether it raised."""
    S3.objects.clear()
    S3.put(RAW, data)
    S3.put(CONFIG_URI, config_text)
    glue_stand_in.FakeSparkContext.partitions = partitions
    glue_stand_in.install({"JOB_NAME": "prep", "raw_uri": RAW, "output_uri": OUT, "config_uri": CONFIG_URI})
    sys.modules.pop("glue_job", None)
    glue_job = importlib.import_module("glue_job")
    try:
        glue_job.main()
        return None
    except Exception as problem:  # the job's failure is part of what is compared
        return problem


def without_sample(statistics):
    """The statistics with the parts drawn from the value sample (KLL buckets and sketch) removed."""
    statistics = copy.deepcopy(statistics)
    for feature in statistics["features"]:
        numbers = feature["numerical_statistics"]
        numbers["sum"] = round(numbers["sum"], 6)
        numbers["mean"] = round(numbers["mean"], 9)
        numbers["std_dev"] = round(numbers["std_dev"], 9)
        numbers.pop("distribution")
    return statistics


def sketches(statistics):
    return [f["numerical_statistics"]["distribution"] for f in statistics["features"]]


class GlueJobTest(unittest.TestCase):
    """etl/glue_job.py, never run on AWS here, run under stand-ins over several partitions, against
    local data prep on the same input: the same rows in each split, quarantine, baseline and report."""

    config_path = os.path.join(ROOT, "config", "ml-pipeline-config.json")

    def setUp(self):
        with open(os.path.join(ROOT, "sample-datasets", "customer-churn.csv"), encoding="utf-8") as handle:
            self.data = handle.read()
        with open(self.config_path, encoding="utf-8") as handle:
            self.config_text = handle.read()

    def compare(self, data, partitions):
        status, local = local_outputs(data, self.config_path)
        problem = glue_run(data, self.config_text, partitions)
        self.assertEqual(status != 0, problem is not None, problem)
        for split in ("train", "validation", "test"):
            self.assertEqual(parts_of(OUT + split + "/"), local["%s/%s.csv" % (split, split)], split)
            self.assertIn(OUT + split + "/_SUCCESS", S3.objects)
        self.assertEqual(parts_of(OUT + "quarantine/"), local["quarantine/rejected.csv"])
        for name in ("baseline/constraints.json", "report.json"):
            self.assertEqual(json.loads(S3.objects[OUT + name]), json.loads(local[name]), name)
        glue_stats = json.loads(S3.objects[OUT + "baseline/statistics.json"])
        local_stats = json.loads(local["baseline/statistics.json"])
        self.assertEqual(without_sample(glue_stats), without_sample(local_stats))
        return glue_stats, local_stats

    def test_the_sample_in_three_partitions(self):
        glue_stats, local_stats = self.compare(self.data, 3)
        # Past SAMPLE_SIZE train rows: the sample, and the KLL buckets and sketch drift is judged
        # against, are the same rows however the data is partitioned.
        self.assertGreater(local_stats["dataset"]["item_count"], 2048)
        self.assertEqual(sketches(glue_stats), sketches(local_stats))

    def test_malformed_rows_are_quarantined_with_their_line(self):
        lines = self.data.splitlines(keepends=True)[:600]
        lines[5] = "not,a,row\n"
        lines[40] = lines[40].replace(",", ",,", 1)
        self.compare("".join(lines), 4)


if __name__ == "__main__":
    unittest.main()
