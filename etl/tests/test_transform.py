import copy
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

import transform  # noqa: E402

with open(os.path.join(ROOT, "config", "ml-pipeline-config.json"), encoding="utf-8") as handle:
    CONFIG = json.load(handle)
with open(os.path.join(ROOT, "sample-datasets", "customer-churn.csv"), encoding="utf-8") as handle:
    SAMPLE = handle.readlines()


def small_config(**changes):
    """Label, two numeric features and a 3-way one-hot group: a row has 6 fields."""
    config = copy.deepcopy(CONFIG)
    config["data"]["features"] = ["a", "b", {"oneHot": "g", "values": ["x", "y", "z"]}]
    config["data"]["label"] = {"name": "y", "column": 0}
    config["data"]["format"] = {"quotedLines": False, "header": False}
    for key, value in changes.items():
        config["data"][key] = value
    return config


class ParseAndValidate(unittest.TestCase):
    def setUp(self):
        self.schema = transform.Schema(small_config())

    def test_strips_the_quotes_around_each_line(self):
        self.assertEqual(transform.parse_line('"1,2.5,3,0,1,0"\n', True), ["1", "2.5", "3", "0", "1", "0"])

    def test_accepts_a_good_row(self):
        label, features = transform.validate(["1", "2.5", "3", "0", "1", "0"], self.schema)
        self.assertEqual((label, features), (1.0, [2.5, 3.0, 0.0, 1.0, 0.0]))

    def test_rejections_name_the_problem(self):
        cases = [
            (["1", "2"], "expected 6 fields, found 2"),
            (["1", "x", "3", "0", "1", "0"], "field 1 (a) is not a number: 'x'"),
            (["1", "nan", "3", "0", "1", "0"], "field 1 (a) is not a finite number"),
            (["2", "1", "3", "0", "1", "0"], "label y must be 0 or 1, found '2'"),
            (["0", "1", "3", "1", "1", "0"], "one-hot group g sums to 2, expected 1"),
            (["0", "1", "3", "0", "0", "0"], "one-hot group g sums to 0, expected 1"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                with self.assertRaises(transform.DataPrepError) as caught:
                    transform.validate(fields, self.schema)
                self.assertIn(message, str(caught.exception))

    def test_label_in_another_column_is_written_first(self):
        schema = transform.Schema(small_config(label={"name": "y", "column": 5}))
        split, text, _ = transform.process_line(1, "2.5,3,0,1,0,1", schema)
        self.assertNotEqual(split, "rejected")
        self.assertEqual(text, "1,2.5,3,0,1,0")


class Splitting(unittest.TestCase):
    def test_same_row_same_split_whatever_the_order(self):
        schema = transform.Schema(CONFIG)
        forward = [transform.process_line(i, line, schema)[0] for i, line in enumerate(SAMPLE)]
        backward = [transform.process_line(i, line, schema)[0] for i, line in enumerate(reversed(SAMPLE))]
        self.assertEqual(forward, list(reversed(backward)))

    def test_ratios_follow_the_config(self):
        result = transform.prepare(SAMPLE, CONFIG)
        counts = result["report"]["splits"]
        total = sum(counts.values())
        for split in transform.SPLITS:
            self.assertAlmostEqual(counts[split] / total, CONFIG["data"]["split"][split], delta=0.03)

    def test_the_seed_changes_the_split(self):
        other = copy.deepcopy(CONFIG)
        other["data"]["split"]["seed"] = "another-seed"
        a = transform.prepare(SAMPLE, CONFIG)["splits"]["test"]
        b = transform.prepare(SAMPLE, other)["splits"]["test"]
        self.assertNotEqual(a, b)


class PrepareSample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = transform.prepare(SAMPLE, CONFIG)

    def test_every_sample_row_is_accepted_and_label_first(self):
        report = self.result["report"]
        self.assertEqual((report["rows"], report["accepted"], report["rejected"]), (2999, 2999, 0))
        self.assertTrue(report["passed"])
        rows = [r.split(",") for s in transform.SPLITS for r in self.result["splits"][s]]
        self.assertTrue(all(len(r) == 70 for r in rows))
        self.assertEqual(sum(1 for r in rows if r[0] == "1"), 435)

    def test_baseline_statistics_use_real_feature_names_and_training_rows(self):
        stats = self.result["statistics"]
        self.assertEqual(stats["dataset"]["item_count"], self.result["report"]["splits"]["train"])
        names = [f["name"] for f in stats["features"]]
        self.assertEqual(names, transform.feature_names(CONFIG))
        day_mins = stats["features"][2]
        self.assertEqual(day_mins["name"], "Day Mins")
        self.assertEqual(day_mins["inferred_type"], "Fractional")
        numbers = day_mins["numerical_statistics"]
        self.assertEqual(numbers["common"]["num_present"], stats["dataset"]["item_count"])
        self.assertLess(numbers["min"], numbers["mean"])
        self.assertLess(numbers["mean"], numbers["max"])
        buckets = numbers["distribution"]["kll"]["buckets"]
        self.assertEqual(sum(b["count"] for b in buckets), min(transform.SAMPLE_SIZE, stats["dataset"]["item_count"]))
        self.assertEqual(stats["features"][11]["inferred_type"], "Integral")

    def test_constraints_cover_every_feature(self):
        constraints = self.result["constraints"]
        self.assertEqual(len(constraints["features"]), 69)
        self.assertEqual(constraints["features"][0]["num_constraints"], {"is_non_negative": True})
        self.assertEqual(constraints["monitoring_config"]["distribution_constraints"]["comparison_method"], "Robust")

    def test_partition_merge_matches_one_pass(self):
        schema = transform.Schema(CONFIG)
        rows = [transform.process_line(i, l, schema)[2] for i, l in enumerate(SAMPLE[:600])]
        whole = transform.DatasetStats(69)
        for row in rows:
            whole.add(row)
        left, right = transform.DatasetStats(69), transform.DatasetStats(69)
        for row in rows[:250]:
            left.add(row)
        for row in rows[250:]:
            right.add(row)
        merged = left.merge(right)
        for a, b in zip(whole.features, merged.features):
            self.assertEqual((a.count, a.low, a.high), (b.count, b.low, b.high))
            self.assertAlmostEqual(a.total, b.total, places=6)

    def test_folding_rows_column_by_column_equals_adding_each_value(self):
        # Past the sample's size (reservoir draws) and past a chunk (two folds), with a merge between.
        rng = random.Random(7)
        rows = [[rng.random() * 100, float(rng.randrange(4)), rng.choice([0.0, 1.0])] for _ in range(5000)]
        folded = transform.DatasetStats(3)
        one_by_one = [transform.FeatureStats() for _ in range(3)]
        draws = random.Random("baseline")
        for row in rows:
            folded.add(row)
            for stats, value in zip(one_by_one, row):
                stats.add(value, draws)
        for a, b in zip(one_by_one, folded.features):
            self.assertEqual(vars(a), vars(b))
        more = transform.DatasetStats(3).add(rows[0])
        self.assertEqual(folded.merge(more).features[0].count, 5001)


class Quarantine(unittest.TestCase):
    def test_bad_rows_are_quarantined_with_reasons_and_counted(self):
        lines = SAMPLE[:400] + ['"1,abc"\n', '"7' + SAMPLE[0].strip()[2:] + "\n"]
        config = copy.deepcopy(CONFIG)
        config["data"]["maxRejectedShare"] = 0.05
        result = transform.prepare(lines, config)
        self.assertEqual(result["report"]["rejected"], 2)
        self.assertEqual(result["report"]["accepted"], 400)
        reasons = [r["reason"] for r in result["rejected"]]
        self.assertIn("line 401: expected 70 fields, found 2", reasons)
        self.assertIn("line 402: label Churn must be 0 or 1, found '7'", reasons)
        csv_text = transform.quarantine_csv(result["rejected"])
        self.assertIn('"line 401: expected 70 fields, found 2","""1,abc"""', csv_text)

    def test_too_many_rejected_rows_fail_with_the_report(self):
        lines = SAMPLE[:100] + ['"x"\n'] * 5
        with self.assertRaises(transform.TooManyRejectedRows) as caught:
            transform.prepare(lines, CONFIG)
        self.assertIn("5 of 105 rows rejected (4.8%), over the limit of 1.0% (data.maxRejectedShare)", str(caught.exception))
        self.assertFalse(caught.exception.result["report"]["passed"])

    def test_an_empty_file_fails_clearly(self):
        with self.assertRaises(transform.DataPrepError) as caught:
            transform.prepare([], CONFIG)
        self.assertIn("no rows", str(caught.exception))


class ByteRobustness(unittest.TestCase):
    """Bad bytes and values the model cannot take cost one row each, never the run."""

    def run_on_bytes(self, data):
        with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
            handle.write(data)
        with tempfile.TemporaryDirectory() as out:
            done = subprocess.run(
                [sys.executable, os.path.join(ROOT, "etl", "prepare_data.py"), "--input", handle.name,
                 "--config", os.path.join(ROOT, "config", "ml-pipeline-config.json"), "--output-dir", out],
                capture_output=True, text=True)
            with open(os.path.join(out, "report.json"), encoding="utf-8") as report:
                return done, json.load(report)

    def test_an_undecodable_byte_quarantines_its_row_with_the_line_number(self):
        good = "".join(SAMPLE[:400]).encode("utf-8")
        bad = SAMPLE[0].strip().encode("utf-8")[:-3] + b"\xff\xfe\n"
        config = copy.deepcopy(CONFIG)
        done, report = self.run_on_bytes(good + bad)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual((report["rows"], report["rejected"]), (401, 1))
        self.assertRegex(report["firstRejections"][0], r"^line 401: contains bytes that are not UTF-8 \(at column \d+\)$")
        self.assertTrue(config)

    def test_a_byte_order_mark_is_not_data(self):
        done, report = self.run_on_bytes(b"\xef\xbb\xbf" + "".join(SAMPLE[:300]).encode("utf-8"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(report["rejected"], 0)

    def test_a_value_past_float32_is_quarantined_not_trained_on(self):
        config = small_config(maxRejectedShare=0.5)
        lines = ["%d,%d.5,3.0,1,0,0\n" % (i % 2, i) for i in range(60)] + ["0,1e39,3.0,0,1,0\n"]
        result = transform.prepare(lines, config)
        reasons = {r["reason"].split(": ", 1)[1] for r in result["rejected"]}
        self.assertEqual(reasons, {"field 1 (a) is outside the float32 range the model reads (±3.4e38): '1e39'"})

    def test_a_single_class_fails_before_training_and_says_so(self):
        lines = [line for line in SAMPLE if line.startswith('"0,')][:200]
        with self.assertRaises(transform.DataPrepError) as caught:
            transform.prepare(lines, CONFIG)
        self.assertEqual(str(caught.exception), "the label Churn has only one value (0) in 200 rows; a model needs both 0 and 1")
        self.assertFalse(caught.exception.result["report"]["passed"])


class CommandLine(unittest.TestCase):
    def run_cli(self, data_lines, out):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.writelines(data_lines)
        script = os.path.join(ROOT, "etl", "prepare_data.py")
        config = os.path.join(ROOT, "config", "ml-pipeline-config.json")
        return subprocess.run(
            [sys.executable, script, "--input", handle.name, "--config", config, "--output-dir", out],
            capture_output=True,
            text=True,
        )

    def test_writes_the_layout_and_exit_codes(self):
        with tempfile.TemporaryDirectory() as out:
            done = self.run_cli(SAMPLE[:300], out)
            self.assertEqual(done.returncode, 0, done.stderr)
            for path in ["train/train.csv", "validation/validation.csv", "test/test.csv", "quarantine/rejected.csv",
                         "baseline/statistics.json", "baseline/constraints.json", "report.json"]:
                self.assertTrue(os.path.exists(os.path.join(out, path)), path)
        with tempfile.TemporaryDirectory() as out:
            done = self.run_cli(SAMPLE[:50] + ['"bad"\n'] * 10, out)
            self.assertEqual(done.returncode, 3)
            self.assertIn("rows rejected", done.stderr)
            with open(os.path.join(out, "report.json"), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle)["rejected"], 10)
        with tempfile.TemporaryDirectory() as out:
            missing = subprocess.run(
                [sys.executable, os.path.join(ROOT, "etl", "prepare_data.py"), "--input", "/nonexistent.csv",
                 "--config", os.path.join(ROOT, "config", "ml-pipeline-config.json"), "--output-dir", out],
                capture_output=True, text=True)
            self.assertEqual(missing.returncode, 2)
            self.assertIn("cannot read input", missing.stderr)


if __name__ == "__main__":
    unittest.main()
