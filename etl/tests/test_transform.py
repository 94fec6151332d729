import contextlib
import copy
import io
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
with open(os.path.join(ROOT, "config", "examples", "loan-default.json"), encoding="utf-8") as handle:
    LOAN_CONFIG = json.load(handle)
with open(os.path.join(ROOT, "sample-datasets", "loan-default.csv"), encoding="utf-8") as handle:
    LOAN = handle.read().splitlines()


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
            (["1", "2"], "expected 6 fields, found 2: the row ends before the 3rd column, b"),
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
        self.assertEqual(
            sum(b["count"] for b in buckets), min(transform.SAMPLE_SIZE, stats["dataset"]["item_count"])
        )
        self.assertEqual(stats["features"][11]["inferred_type"], "Integral")

    def test_constraints_cover_every_feature(self):
        constraints = self.result["constraints"]
        self.assertEqual(len(constraints["features"]), 69)
        self.assertEqual(constraints["features"][0]["num_constraints"], {"is_non_negative": True})
        self.assertEqual(
            constraints["monitoring_config"]["distribution_constraints"]["comparison_method"], "Robust"
        )

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
        # Past a chunk (two folds), with a merge after.
        rng = random.Random(7)
        rows = [[rng.random() * 100, float(rng.randrange(4)), rng.choice([0.0, 1.0])] for _ in range(5000)]
        folded = transform.DatasetStats(3)
        one_by_one = [transform.FeatureStats() for _ in range(3)]
        for row in rows:
            folded.add(row)
            for stats, value in zip(one_by_one, row):
                stats.add(value)
        for a, b in zip(one_by_one, folded.features):
            self.assertEqual(
                (a.count, a.total, a.squares, a.low, a.high, a.integral),
                (b.count, b.total, b.squares, b.low, b.high, b.integral),
            )
        more = transform.DatasetStats(3).add(rows[0])
        self.assertEqual(folded.merge(more).features[0].count, 5001)

    def test_the_sample_is_the_same_rows_however_they_are_partitioned(self):
        rng = random.Random(11)
        rows = [[rng.random(), float(i)] for i in range(5000)]
        whole = transform.DatasetStats(2)
        for key, row in enumerate(rows, start=1):
            whole.add(row, key)
        expected = sorted(whole.features[1].sample)
        self.assertEqual(len(expected), transform.SAMPLE_SIZE)
        for cuts in ([1700, 3400], [10, 4990], [2500]):
            bounds = [0, *cuts, len(rows)]
            merged = transform.DatasetStats(2)
            for start, end in zip(bounds, bounds[1:]):
                part = transform.DatasetStats(2)
                for key in range(start + 1, end + 1):
                    part.add(rows[key - 1], key)
                merged = merged.merge(part)
            self.assertEqual(sorted(merged.features[1].sample), expected, cuts)


class Quarantine(unittest.TestCase):
    def test_bad_rows_are_quarantined_with_reasons_and_counted(self):
        lines = SAMPLE[:400] + ['"1,abc"\n', '"7' + SAMPLE[0].strip()[2:] + "\n"]
        config = copy.deepcopy(CONFIG)
        config["data"]["maxRejectedShare"] = 0.05
        result = transform.prepare(lines, config)
        self.assertEqual(result["report"]["rejected"], 2)
        self.assertEqual(result["report"]["accepted"], 400)
        reasons = [r["reason"] for r in result["rejected"]]
        short = "line 401: expected 70 fields, found 2: the row ends before the 3rd column, VMail Message"
        self.assertIn(short, reasons)
        self.assertIn("line 402: label Churn must be 0 or 1, found '7'", reasons)
        csv_text = transform.quarantine_csv(result["rejected"])
        self.assertIn('"%s","""1,abc"""' % short, csv_text)

    def test_too_many_rejected_rows_fail_with_the_report(self):
        lines = SAMPLE[:100] + ['"x"\n'] * 5
        with self.assertRaises(transform.TooManyRejectedRows) as caught:
            transform.prepare(lines, CONFIG)
        self.assertIn(
            "5 of 105 rows rejected (4.8%), over the limit of 1.0% (data.maxRejectedShare)",
            str(caught.exception),
        )
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
                [
                    sys.executable,
                    os.path.join(ROOT, "etl", "prepare_data.py"),
                    "--input",
                    handle.name,
                    "--config",
                    os.path.join(ROOT, "config", "ml-pipeline-config.json"),
                    "--output-dir",
                    out,
                ],
                capture_output=True,
                text=True,
            )
            with open(os.path.join(out, "report.json"), encoding="utf-8") as report:
                return done, json.load(report)

    def test_an_undecodable_byte_quarantines_its_row_with_the_line_number(self):
        good = "".join(SAMPLE[:400]).encode("utf-8")
        bad = SAMPLE[0].strip().encode("utf-8")[:-3] + b"\xff\xfe\n"
        config = copy.deepcopy(CONFIG)
        done, report = self.run_on_bytes(good + bad)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual((report["rows"], report["rejected"]), (401, 1))
        self.assertRegex(
            report["firstRejections"][0], r"^line 401: contains bytes that are not UTF-8 \(at column \d+\)$"
        )
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
        self.assertEqual(
            reasons, {"field 1 (a) is outside the float32 range the model reads (±3.4e38): '1e39'"}
        )

    def test_a_single_class_fails_before_training_and_says_so(self):
        lines = [line for line in SAMPLE if line.startswith('"0,')][:200]
        with self.assertRaises(transform.DataPrepError) as caught:
            transform.prepare(lines, CONFIG)
        self.assertEqual(
            str(caught.exception),
            "the label Churn has only one value (0) in 200 rows; a model needs both 0 and 1",
        )
        self.assertFalse(caught.exception.result["report"]["passed"])


def with_columns(lines, change):
    """The lines with each one's fields rearranged by `change` (header included)."""
    return [",".join(change(line.split(","))) + "\n" for line in lines]


def assert_same_rows(test, splits, expected):
    """Split by split, the first row that differs: a diff of whole splits takes minutes to print."""
    for split in transform.SPLITS:
        differing = [(a, b) for a, b in zip(splits[split], expected[split]) if a != b][:1]
        test.assertEqual((len(splits[split]), differing), (len(expected[split]), []), split)


def swap_first_two(fields):
    return [fields[1], fields[0]] + fields[2:]


def drop_second(fields):
    return [fields[0]] + fields[2:]


LOAN_EXPECTED = (
    "expected income, debt_ratio, age, late_payments, credit_lines, term_36, term_60, defaulted, in any order "
    "(data.features and data.label.name)"
)


class ColumnsByName(unittest.TestCase):
    """A header's columns are matched to the config's by name; order may differ, names may not."""

    def mismatch(self, lines, config=LOAN_CONFIG):
        with self.assertRaises(transform.DataPrepError) as caught:
            transform.prepare(lines, config)
        self.assertEqual(type(caught.exception).__name__, "ColumnMismatch", caught.exception)
        return caught.exception

    def test_a_header_in_another_order_is_read_in_the_configured_order_and_noted_once(self):
        original = transform.prepare(with_columns(LOAN, list), LOAN_CONFIG)
        swapped = transform.prepare(with_columns(LOAN, swap_first_two), LOAN_CONFIG)
        assert_same_rows(self, swapped["splits"], original["splits"])
        self.assertEqual(
            [f["numerical_statistics"]["mean"] for f in swapped["statistics"]["features"]],
            [f["numerical_statistics"]["mean"] for f in original["statistics"]["features"]],
        )
        self.assertEqual(
            swapped["report"]["notes"],
            [
                "columns matched by name: the file has them as debt_ratio, income, age, late_payments, credit_lines, "
                "term_36, term_60, defaulted; each row was reordered to the configured income, debt_ratio, age, "
                "late_payments, credit_lines, term_36, term_60, defaulted"
            ],
        )
        self.assertNotIn("notes", original["report"])

    def test_a_missing_column_is_named_and_no_row_is_read(self):
        problem = self.mismatch(with_columns(LOAN, drop_second))
        self.assertEqual(
            str(problem),
            "line 1 (the header) does not match the config: missing column debt_ratio; " + LOAN_EXPECTED,
        )
        report = problem.result["report"]
        self.assertEqual((report["passed"], report["rows"], report["problem"]), (False, 0, str(problem)))

    def test_an_unknown_column_is_named(self):
        problem = self.mismatch(
            with_columns(LOAN, lambda fields: fields + ["score" if fields[0] == "income" else "1"])
        )
        self.assertEqual(
            str(problem),
            "line 1 (the header) does not match the config: unknown column score; " + LOAN_EXPECTED,
        )

    def test_a_renamed_column_is_named_both_ways(self):
        lines = with_columns(LOAN, list)
        lines[0] = lines[0].replace("debt_ratio", "Debt Ratio")
        problem = self.mismatch(lines)
        self.assertIn(
            "does not match the config: missing column debt_ratio; unknown column Debt Ratio (is it debt_ratio?); ",
            str(problem),
        )

    def test_a_repeated_column_is_named(self):
        problem = self.mismatch(with_columns(LOAN, lambda fields: fields + [fields[2]]))
        self.assertIn("does not match the config: column age appears 2 times; ", str(problem))

    def test_a_header_that_names_no_configured_column_is_refused(self):
        problem = self.mismatch(with_columns(LOAN[1:], list))
        self.assertEqual(
            str(problem),
            "line 1 (the header) names none of the configured columns (found 44320.66, 0.4342, 61, 0, 6, 1, 0, 0); "
            + LOAN_EXPECTED
            + "; if the file has no header, set data.format.header to false",
        )
        self.assertEqual(problem.result["report"]["problem"], str(problem))

    def test_a_header_the_config_does_not_declare_is_recognised_by_its_names(self):
        config = copy.deepcopy(LOAN_CONFIG)
        config["data"]["format"]["header"] = False
        result = transform.prepare(with_columns(LOAN, swap_first_two), config)
        self.assertEqual((result["report"]["rows"], result["report"]["rejected"]), (1500, 0))
        assert_same_rows(
            self, result["splits"], transform.prepare(with_columns(LOAN, list), LOAN_CONFIG)["splits"]
        )
        self.assertEqual(
            result["report"]["notes"][0],
            "line 1 names columns, so it was read as the header though data.format.header is false",
        )

    def test_row_problems_under_a_reordered_header_point_at_the_files_fields(self):
        lines = with_columns(LOAN[:200], swap_first_two)
        lines[5] = "0.3,abc,40,0,3,1,0,0\n"
        lines[6] = "0.3,50000,40,0,3,1,0\n"
        config = copy.deepcopy(LOAN_CONFIG)
        config["data"]["maxRejectedShare"] = 0.5
        reasons = [r["reason"] for r in transform.prepare(lines, config)["rejected"]]
        self.assertEqual(
            reasons,
            [
                "line 6: field 1 (income) is not a number: 'abc'",
                "line 7: expected 8 fields, found 7: the row ends before the 8th column, defaulted",
            ],
        )

    def test_the_config_must_tell_the_label_from_the_features_by_name(self):
        config = copy.deepcopy(LOAN_CONFIG)
        config["data"]["label"]["name"] = "age"
        self.assertEqual(
            str(self.mismatch(with_columns(LOAN, list), config)),
            "data.label.name age is also a feature's name, so a header cannot tell them apart; rename one",
        )


class CountMismatch(unittest.TestCase):
    """Without a header only the count can be checked; the message names the column where it breaks."""

    def test_a_short_row_names_the_first_column_it_lacks(self):
        config = copy.deepcopy(LOAN_CONFIG)
        config["data"]["format"]["header"] = False
        lines = with_columns(LOAN[1:200], list)
        lines[11] = "44320.66,0.4342,61,0,6,1,0\n"
        lines[12] = "44320.66,0.4342,61,0,6,1,0,0,9\n"
        result = transform.prepare(lines, dict(config, data=dict(config["data"], maxRejectedShare=0.5)))
        self.assertEqual(
            [r["reason"] for r in result["rejected"]],
            [
                "line 12: expected 8 fields, found 7: the row ends before the 8th column, defaulted",
                "line 13: expected 8 fields, found 9: the row goes on past the 8th and last column, defaulted",
            ],
        )

    def test_ordinals(self):
        self.assertEqual(
            [transform.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 70, 101, 111)],
            [
                "1st",
                "2nd",
                "3rd",
                "4th",
                "11th",
                "12th",
                "13th",
                "21st",
                "22nd",
                "23rd",
                "70th",
                "101st",
                "111th",
            ],
        )


class FakeRdd:
    """The RDD operations the Glue job uses, over several partitions, so merges really happen."""

    def __init__(self, partitions, store):
        self.partitions, self.store = partitions, store

    def items(self):
        return [item for partition in self.partitions for item in partition]

    def derive(self, partitions):
        return FakeRdd(partitions, self.store)

    def take(self, count):
        return self.items()[:count]

    def zipWithIndex(self):
        indexes = iter(range(len(self.items())))
        return self.derive([[(item, next(indexes)) for item in partition] for partition in self.partitions])

    def map(self, function):
        return self.derive([list(map(function, partition)) for partition in self.partitions])

    def filter(self, function):
        return self.derive([list(filter(function, partition)) for partition in self.partitions])

    def cache(self):
        return self

    def reduceByKey(self, function):
        totals = {}
        for key, value in self.items():
            totals[key] = function(totals[key], value) if key in totals else value
        return self.derive([list(totals.items())])

    def collectAsMap(self):
        return dict(self.items())

    def aggregate(self, zero, add, merge):
        result = copy.deepcopy(zero)
        for partition in self.partitions:
            accumulated = copy.deepcopy(zero)
            for item in partition:
                accumulated = add(accumulated, item)
            result = merge(result, accumulated)
        return result

    def saveAsTextFile(self, uri):
        self.store[uri] = self.items()


class GlueJob(unittest.TestCase):
    """etl/glue_job.py under stand-ins for Spark, awsglue and boto3: the cloud's path through the transform."""

    def run_job(self, lines, config, store=None):
        store = {} if store is None else store
        store["s3://b/config.json"] = json.dumps(config)

        class S3:
            def get_object(self, Bucket, Key):
                body = store["s3://%s/%s" % (Bucket, Key)].encode("utf-8")
                return {"Body": type("Body", (), {"read": lambda self: body})()}

            def put_object(self, Bucket, Key, Body, ContentType):
                store["s3://%s/%s" % (Bucket, Key)] = Body.decode("utf-8")

        text = [line.rstrip("\n") for line in lines]
        context = type(
            "SparkContext",
            (),
            {
                "textFile": lambda self, uri: FakeRdd(
                    [text[i : i + 400] for i in range(0, len(text), 400)], store
                ),
            },
        )()
        modules = {
            "boto3": type(sys)("boto3"),
            "awsglue": type(sys)("awsglue"),
            "awsglue.context": type(sys)("awsglue.context"),
            "awsglue.utils": type(sys)("awsglue.utils"),
            "pyspark": type(sys)("pyspark"),
            "pyspark.context": type(sys)("pyspark.context"),
        }
        modules["boto3"].client = lambda service: S3()
        modules["awsglue.context"].GlueContext = lambda spark_context: None
        modules["awsglue.utils"].getResolvedOptions = lambda argv, names: {
            "JOB_NAME": "job",
            "raw_uri": "s3://b/raw.csv",
            "output_uri": "s3://b/out/",
            "config_uri": "s3://b/config.json",
        }
        modules["pyspark.context"].SparkContext = type(
            "SparkContext", (), {"getOrCreate": staticmethod(lambda: context)}
        )
        saved = {name: sys.modules.get(name) for name in list(modules) + ["glue_job"]}
        sys.modules.update(modules)
        sys.modules.pop("glue_job", None)
        try:
            import glue_job

            with contextlib.redirect_stdout(io.StringIO()) as printed:
                glue_job.main()
            store["stdout"] = printed.getvalue()
        finally:
            for name, module in saved.items():
                if module is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = module
        return store

    def test_a_reordered_header_gives_the_rows_local_mode_gives_the_original(self):
        store = self.run_job(with_columns(LOAN, swap_first_two), LOAN_CONFIG)
        expected = transform.prepare(with_columns(LOAN, list), LOAN_CONFIG)
        written = {split: store["s3://b/out/%s/" % split] for split in transform.SPLITS}
        assert_same_rows(self, written, expected["splits"])
        # Partitions merge their sums in another order, so the floats may differ in the last digit.
        statistics = json.loads(store["s3://b/out/baseline/statistics.json"])["features"]
        for glue, local in zip(statistics, expected["statistics"]["features"]):
            self.assertEqual(glue["name"], local["name"])
            mean = local["numerical_statistics"]["mean"]
            self.assertAlmostEqual(glue["numerical_statistics"]["mean"], mean, delta=1e-9 * abs(mean))
        note = json.loads(store["s3://b/out/report.json"])["notes"][0]
        self.assertTrue(
            note.startswith("columns matched by name: the file has them as debt_ratio, income, "), note
        )
        self.assertEqual(store["stdout"], "note: %s\n" % note)

    def test_a_missing_column_fails_the_job_after_writing_the_report_that_names_it(self):
        store = {}
        with self.assertRaises(transform.DataPrepError) as caught:
            self.run_job(with_columns(LOAN, drop_second), LOAN_CONFIG, store)
        self.assertIn("missing column debt_ratio", str(caught.exception))
        report = json.loads(store["s3://b/out/report.json"])
        self.assertEqual((report["passed"], report["problem"]), (False, str(caught.exception)))
        self.assertNotIn("s3://b/out/train/", store, "no row is read under a header that does not match")


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
            for path in [
                "train/train.csv",
                "validation/validation.csv",
                "test/test.csv",
                "quarantine/rejected.csv",
                "baseline/statistics.json",
                "baseline/constraints.json",
                "report.json",
            ]:
                self.assertTrue(os.path.exists(os.path.join(out, path)), path)
        with tempfile.TemporaryDirectory() as out:
            done = self.run_cli(SAMPLE[:50] + ['"bad"\n'] * 10, out)
            self.assertEqual(done.returncode, 3)
            self.assertIn("rows rejected", done.stderr)
            with open(os.path.join(out, "report.json"), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle)["rejected"], 10)
        with tempfile.TemporaryDirectory() as out:
            missing = subprocess.run(
                [
                    sys.executable,
                    os.path.join(ROOT, "etl", "prepare_data.py"),
                    "--input",
                    "/nonexistent.csv",
                    "--config",
                    os.path.join(ROOT, "config", "ml-pipeline-config.json"),
                    "--output-dir",
                    out,
                ],
                capture_output=True,
                text=True,
            )
            self.assertEqual(missing.returncode, 2)
            self.assertIn("cannot read input", missing.stderr)


if __name__ == "__main__":
    unittest.main()
