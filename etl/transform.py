"""Data preparation shared by the Glue job and local mode.

Plain Python (standard library only), so the same functions run inside Glue executors and on any
machine with python3. A header's columns are matched to the ML pipeline config's by name (a file may
order them differently, never name them differently); every row is validated against that schema,
and a bad row is quarantined with its reason, never dropped silently. Good rows are split
deterministically by a stable hash of the row, written label-first without a header (the SageMaker
XGBoost CSV format), and the training split's statistics become the Model Monitor data-quality
baseline.
"""

import copy
import functools
import hashlib
import heapq
import itertools
import json
import math
import operator

SPLITS = ("train", "validation", "test")
# The largest value XGBoost's float32 matrices hold; a larger one is infinite to the model.
FLOAT32_MAX = 3.4028234663852886e38
# What a byte that is not UTF-8 becomes when text is decoded with replacement (Spark's textFile does).
REPLACEMENT = "\ufffd"
# Values kept per feature for the baseline's distribution; mergeable across Glue partitions.
SAMPLE_SIZE = 2048
SKETCH_POINTS = 64


class DataPrepError(Exception):
    """A problem with the data or the config that the person running the pipeline must fix."""


class TooManyRejectedRows(DataPrepError):
    pass


class ColumnMismatch(DataPrepError):
    """The header's columns cannot be matched to the configured ones; no row can be read safely."""


# ----------------------------------------------------------------------------- schema


def feature_names(config):
    """Feature columns in file order; one-hot groups expand to '<group>_<value>'."""
    names = []
    for entry in config["data"]["features"]:
        if isinstance(entry, str):
            names.append(entry)
        else:
            names.extend("%s_%s" % (entry["oneHot"], value) for value in entry["values"])
    return names


def one_hot_groups(config):
    """(group name, column indexes within the feature list) for each declared one-hot group."""
    groups, index = [], 0
    for entry in config["data"]["features"]:
        if isinstance(entry, str):
            index += 1
        else:
            width = len(entry["values"])
            groups.append((entry["oneHot"], list(range(index, index + width))))
            index += width
    return groups


class Schema:
    def __init__(self, config):
        data = config["data"]
        self.features = feature_names(config)
        self.groups = one_hot_groups(config)
        self.label_column = data["label"]["column"]
        self.label_name = data["label"]["name"]
        self.quoted = data["format"]["quotedLines"]
        self.header = data["format"]["header"]
        self.width = len(self.features) + 1
        self.columns = list(self.features)
        self.columns.insert(self.label_column, self.label_name)
        # How the file lays its columns out: the configured order until a header says otherwise.
        self.file_columns = self.columns
        self.order = None
        split = data["split"]
        self.seed = split["seed"]
        self.bounds = (split["train"], split["train"] + split["validation"])
        self.max_rejected_share = data["maxRejectedShare"]


# ----------------------------------------------------------------------------- header

# How many names a message lists before it abbreviates; a one-hot group can have dozens.
LISTED_NAMES = 12


def header_names(line, schema):
    """Line 1's column names when it is a header, else None.

    The rule: line 1 is the header when data.format.header is true, or when one of its fields is a
    configured column name that is not a number. The second case is a header the config did not
    declare; read as data it would be quarantined at best, and its columns would go unchecked.
    """
    if line is None:
        return None
    names = [field.strip('"').strip() for field in parse_line(line.lstrip("\ufeff"), schema.quoted)]
    if schema.header:
        return names
    configured = set(schema.columns)
    if any(name in configured and not is_number(name) for name in names):
        return names
    return None


def is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def listed(names, limit=LISTED_NAMES):
    names = list(names)
    if len(names) <= limit:
        return ", ".join(names)
    return "%s, … (%d in all)" % (", ".join(names[:limit]), len(names))


def counted(word, names):
    return "%s %s %s" % (word, "column" if len(names) == 1 else "columns", ", ".join(names))


def column_differences(names, schema):
    """Each way the header differs from the configured columns, as phrases; empty when they match."""
    configured = set(schema.columns)
    present = set(names)
    missing = [name for name in schema.columns if name not in present]
    unknown = [name for name in dict.fromkeys(names) if name not in configured]
    repeated = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    problems = []
    if missing:
        problems.append(counted("missing", missing))
    if unknown:
        problems.append(counted("unknown", [name + near_miss(name, missing) for name in unknown]))
    problems.extend("column %s appears %d times" % (name, names.count(name)) for name in repeated)
    return problems


def near_miss(name, missing):
    """' (is it X?)' when an unknown name differs from a missing one only in case, spaces or - and _."""

    def key(text):
        return text.lower().replace(" ", "").replace("_", "").replace("-", "")

    for candidate in missing:
        if key(candidate) == key(name):
            return " (is it %s?)" % candidate
    return ""


def check_header(names, schema):
    """Raises ColumnMismatch naming every difference between the header and the configured columns."""
    expected = "expected %s, in any order (data.features and data.label.name)" % listed(schema.columns)
    if len(set(schema.columns)) < len(schema.columns):
        raise ColumnMismatch(
            "data.label.name %s is also a feature's name, so a header cannot tell them apart; rename one"
            % schema.label_name
        )
    if not set(names) & set(schema.columns):
        raise ColumnMismatch(
            "line 1 (the header) names none of the configured columns (found %s); %s; "
            "if the file has no header, set data.format.header to false"
            % (listed([name[:20] for name in names], 8), expected)
        )
    problems = column_differences(names, schema)
    if problems:
        raise ColumnMismatch(
            "line 1 (the header) does not match the config: %s; %s" % ("; ".join(problems), expected)
        )


def with_header(schema, names):
    """A copy of the schema that reads rows laid out as the header says, and the notes to show once.

    Rows are reordered to the configured order, so the model, the baseline and the split's hash see
    the columns the config names whatever order the file has them in.
    """
    check_header(names, schema)
    notes = []
    if not schema.header:
        notes.append("line 1 names columns, so it was read as the header though data.format.header is false")
    reading = copy.copy(schema)
    reading.file_columns = list(names)
    if names != schema.columns:
        reading.order = [names.index(name) for name in schema.columns]
        notes.append(
            "columns matched by name: the file has them as %s; each row was reordered to the configured %s"
            % (listed(names), listed(schema.columns))
        )
    return reading, notes


def read_line_one(line, schema):
    """(the schema for the rows, whether line 1 is the header, notes); raises ColumnMismatch."""
    names = header_names(line, schema)
    if names is None:
        return schema, False, []
    reading, notes = with_header(schema, names)
    return reading, True, notes


# ----------------------------------------------------------------------------- rows


def parse_line(line, quoted):
    """The fields of one CSV line; the sample wraps each whole line in double quotes."""
    text = line.strip()
    if quoted and len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    return list(map(str.strip, text.split(",")))


def validate(fields, schema):
    """(label, features) as floats, or raises DataPrepError naming the first problem in the row."""
    if len(fields) != schema.width:
        raise DataPrepError(count_mismatch(len(fields), schema))
    try:
        values = list(map(float, fields))
    except ValueError:
        values = None
    # The common case, every field a finite float32, in one pass of builtins; otherwise the slow
    # pass names the first field at fault.
    if values is None or not all(map(math.isfinite, values)) or max(map(abs, values)) > FLOAT32_MAX:
        values = [checked_value(position, field, schema) for position, field in enumerate(fields)]
    label = values.pop(schema.label_column)
    if label not in (0.0, 1.0):
        raise DataPrepError(
            "label %s must be 0 or 1, found %r" % (schema.label_name, fields[schema.label_column])
        )
    for name, columns in schema.groups:
        total = sum(map(values.__getitem__, columns))
        if abs(total - 1.0) > 1e-9:
            raise DataPrepError("one-hot group %s sums to %g, expected 1" % (name, total))
    return label, values


def count_mismatch(found, schema):
    """Names the column where the row and the file's columns part ways: a count alone does not say
    which field is missing or extra, but the first column without a field (or the last one) does."""
    expected = schema.width
    if found < expected:
        return "expected %d fields, found %d: the row ends before the %s column, %s" % (
            expected,
            found,
            ordinal(found + 1),
            schema.file_columns[found],
        )
    return "expected %d fields, found %d: the row goes on past the %s and last column, %s" % (
        expected,
        found,
        ordinal(expected),
        schema.file_columns[-1],
    )


def ordinal(number):
    # 11th, 12th and 13th break the rule their last digit would give.
    if 10 <= number % 100 <= 20:
        return "%dth" % number
    return "%d%s" % (number, {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th"))


def checked_value(position, field, schema):
    where = "field %d (%s)" % (file_position(schema, position), column_name(schema, position))
    try:
        value = float(field)
    except ValueError:
        raise DataPrepError("%s is not a number: %r" % (where, field))
    if math.isnan(value) or math.isinf(value):
        raise DataPrepError("%s is not a finite number: %r" % (where, field))
    if abs(value) > FLOAT32_MAX:
        raise DataPrepError(
            "%s is outside the float32 range the model reads (±3.4e38): %r" % (where, field[:40])
        )
    return value


def file_position(schema, position):
    """Where a configured column is in the file, so a message points at the field the user sees."""
    return schema.order[position] if schema.order else position


def column_name(schema, position):
    if position == schema.label_column:
        return schema.label_name
    return schema.features[position - 1 if position > schema.label_column else position]


def split_of(fields, schema):
    """The split a row belongs to, from a stable hash of its normalised text: same row, same split, any engine."""
    digest = hashlib.sha256((schema.seed + "\x1f" + ",".join(fields)).encode("utf-8")).digest()
    position = int.from_bytes(digest[:8], "big") / float(1 << 64)
    if position < schema.bounds[0]:
        return "train"
    if position < schema.bounds[1]:
        return "validation"
    return "test"


def format_number(value):
    return str(int(value)) if value.is_integer() else repr(value)


# Each value's text, remembered: a data set repeats few distinct values (one-hot columns hold 0 and 1),
# and a lookup is far cheaper than formatting. Bounded, so a column of distinct values cannot grow it.
_FORMATTED = {}
_FORMATTED_LIMIT = 1 << 16


def label_first_csv(label, features):
    values = [label] + features
    texts = list(map(_FORMATTED.get, values))
    if None in texts:
        if len(_FORMATTED) > _FORMATTED_LIMIT:
            _FORMATTED.clear()
        for index, text in enumerate(texts):
            if text is None:
                texts[index] = _FORMATTED[values[index]] = format_number(values[index])
    return ",".join(texts)


def process_line(line_number, line, schema):
    """One raw line → ('train'|'validation'|'test', csv text, features) or ('rejected', reason, None)."""
    if line_number == 1:
        line = line.lstrip("\ufeff")  # a byte-order mark is not data
    if REPLACEMENT in line:
        column = line.index(REPLACEMENT) + 1
        return (
            "rejected",
            "line %d: contains bytes that are not UTF-8 (at column %d)" % (line_number, column),
            None,
        )
    fields = parse_line(line, schema.quoted)
    if schema.order and len(fields) == schema.width:
        fields = list(map(fields.__getitem__, schema.order))
    try:
        label, features = validate(fields, schema)
    except DataPrepError as problem:
        return ("rejected", "line %d: %s" % (line_number, problem), None)
    return (split_of(fields, schema), label_first_csv(label, features), features)


# ----------------------------------------------------------------------------- statistics


class FeatureStats:
    """Count, sum, sum of squares, min and max of one feature, and its values in the data set's
    sample (DatasetStats chooses the sample's rows)."""

    def __init__(self):
        self.count, self.total, self.squares = 0, 0.0, 0.0
        self.low, self.high = math.inf, -math.inf
        self.integral = True
        self.sample = []

    def add(self, value):
        self.count += 1
        self.total += value
        self.squares += value * value
        self.low, self.high = min(self.low, value), max(self.high, value)
        self.integral = self.integral and float(value).is_integer()

    def merge(self, other):
        merged = FeatureStats()
        merged.count, merged.total = self.count + other.count, self.total + other.total
        merged.squares = self.squares + other.squares
        merged.low, merged.high = min(self.low, other.low), max(self.high, other.high)
        merged.integral = self.integral and other.integral
        return merged


def sample_priority(row_key):
    """A row's place in the sample: a fixed permutation of its key (Knuth's multiplicative hash), so
    the sample is the same rows however the data is split into partitions or chunks."""
    return (row_key * 2654435761 + 40503) % 4294967296


class DatasetStats:
    """Per-feature statistics of a data set. Rows are folded in column by column, a chunk at a
    time. The sample is the SAMPLE_SIZE rows with the lowest priority (a bottom-k sample keyed by
    the row's line number): merging two partitions' samples gives the one sample of all their rows."""

    CHUNK = 4096

    def __init__(self, width):
        self.width = width
        self._features = [FeatureStats() for _ in range(width)]
        self._pending = []
        self._candidates = []
        self._next_key = 0

    @property
    def features(self):
        self._fold()
        chosen = sorted(self._candidates)[:SAMPLE_SIZE]
        for index, stats in enumerate(self._features):
            stats.sample = [values[index] for _, _, values in chosen]
        return self._features

    def add(self, values, row_key=None):
        """A row's feature values; `row_key` (its line number) places it in the sample."""
        self._next_key += 1
        key = self._next_key if row_key is None else row_key
        self._pending.append(values)
        self._candidates.append((sample_priority(key), key, values))
        if len(self._pending) >= self.CHUNK:
            self._fold()
        return self

    def _fold(self):
        rows, self._pending = self._pending, []
        if len(self._candidates) > 2 * SAMPLE_SIZE:
            self._candidates = heapq.nsmallest(SAMPLE_SIZE, self._candidates)
        if not rows or not self._features:
            return
        for stats, column in zip(self._features, zip(*rows)):
            stats.count += len(column)
            stats.total = functools.reduce(operator.add, column, stats.total)
            stats.squares = functools.reduce(operator.add, map(operator.mul, column, column), stats.squares)
            stats.low, stats.high = min(stats.low, min(column)), max(stats.high, max(column))
            stats.integral = stats.integral and all(map(float.is_integer, map(float, column)))

    def merge(self, other):
        self._fold()
        other._fold()
        merged = DatasetStats(0)
        merged.width = self.width
        merged._features = [a.merge(b) for a, b in zip(self._features, other._features)]
        merged._candidates = heapq.nsmallest(SAMPLE_SIZE, self._candidates + other._candidates)
        return merged


def quantiles(sample, points):
    """Evenly spaced order statistics of the sample: a compact stand-in for the KLL sketch's data."""
    ordered = sorted(sample)
    if len(ordered) <= points:
        return ordered
    return [ordered[round(i * (len(ordered) - 1) / (points - 1))] for i in range(points)]


def histogram(sample, low, high, buckets=10):
    if not sample:
        return []
    if high <= low:
        return [{"lower_bound": low, "upper_bound": high, "count": float(len(sample))}]
    width = (high - low) / buckets
    counts = [0] * buckets
    for value in sample:
        counts[min(int((value - low) / width), buckets - 1)] += 1
    return [
        {"lower_bound": low + i * width, "upper_bound": low + (i + 1) * width, "count": float(c)}
        for i, c in enumerate(counts)
    ]


def baseline_statistics(stats, names):
    """statistics.json in SageMaker Model Monitor's format, with the real feature names."""
    features = []
    for name, s in zip(names, stats.features):
        mean = s.total / s.count if s.count else 0.0
        variance = max(s.squares / s.count - mean * mean, 0.0) if s.count else 0.0
        features.append(
            {
                "name": name,
                "inferred_type": "Integral" if s.integral else "Fractional",
                "numerical_statistics": {
                    "common": {"num_present": s.count, "num_missing": 0},
                    "mean": mean,
                    "sum": s.total,
                    "std_dev": math.sqrt(variance),
                    "min": s.low if s.count else 0.0,
                    "max": s.high if s.count else 0.0,
                    "distribution": {
                        "kll": {
                            "buckets": histogram(s.sample, s.low, s.high),
                            "sketch": {
                                "parameters": {"c": 0.64, "k": 2048.0},
                                "data": [quantiles(s.sample, SKETCH_POINTS)],
                            },
                        }
                    },
                },
            }
        )
    item_count = stats.features[0].count if stats.features else 0
    return {"version": 0.0, "dataset": {"item_count": item_count}, "features": features}


def baseline_constraints(stats, names):
    """constraints.json in SageMaker Model Monitor's format."""
    features = []
    for name, s in zip(names, stats.features):
        feature = {
            "name": name,
            "inferred_type": "Integral" if s.integral else "Fractional",
            "completeness": 1.0,
        }
        if s.count and s.low >= 0:
            feature["num_constraints"] = {"is_non_negative": True}
        features.append(feature)
    return {
        "version": 0.0,
        "features": features,
        "monitoring_config": {
            "evaluate_constraints": "Enabled",
            "emit_metrics": "Enabled",
            "datatype_check_threshold": 1.0,
            "domain_content_threshold": 1.0,
            "distribution_constraints": {
                "perform_comparison": "Enabled",
                "comparison_threshold": 0.1,
                "comparison_method": "Robust",
            },
        },
    }


# ----------------------------------------------------------------------------- the whole job


def prepare(lines, config):
    """Runs data prep over an iterable of raw lines; returns everything the job writes.

    Raises TooManyRejectedRows (after computing the report) when the rejected share is over the limit,
    and ColumnMismatch (with a report, before reading any row) when the header's columns do not match.
    """
    lines = iter(lines)
    line_one = next(lines, None)
    schema, has_header, notes = columns_of(line_one, Schema(config))
    outputs = {name: [] for name in SPLITS}
    rejected = []
    stats = DatasetStats(len(schema.features))
    total = 0
    labels = {}
    for number, line in enumerate(itertools.chain([] if line_one is None else [line_one], lines), start=1):
        if number == 1 and has_header:
            continue
        if not line.strip():
            continue
        total += 1
        split, text, features = process_line(number, line, schema)
        if split == "rejected":
            rejected.append({"reason": text, "line": line.rstrip("\r\n")})
            continue
        outputs[split].append(text)
        label = text.split(",", 1)[0]
        labels[label] = labels.get(label, 0) + 1
        if split == "train":
            stats.add(features, number)
    first = [r["reason"] for r in rejected[:10]]
    counts = {k: len(v) for k, v in outputs.items()}
    report = build_report(total, counts, len(rejected), first, schema, labels, notes=notes)
    result = {
        "splits": outputs,
        "rejected": rejected,
        "report": report,
        "statistics": baseline_statistics(stats, schema.features),
        "constraints": baseline_constraints(stats, schema.features),
    }
    if not report["passed"]:
        raise_too_many(report, result)
    return result


def columns_of(first_line, schema):
    """read_line_one, with a report attached to its error, so the run can say why it read no row."""
    try:
        return read_line_one(first_line, schema)
    except ColumnMismatch as problem:
        report = build_report(0, {}, 0, [], schema, problem=str(problem))
        empty = DatasetStats(len(schema.features))
        problem.result = {
            "splits": {name: [] for name in SPLITS},
            "rejected": [],
            "report": report,
            "statistics": baseline_statistics(empty, schema.features),
            "constraints": baseline_constraints(empty, schema.features),
        }
        raise


def single_class(labels, schema):
    """Why a model cannot be trained on these labels (one class only), or None."""
    present = [label for label, count in (labels or {}).items() if count]
    if len(present) != 1:
        return None
    return "the label %s has only one value (%s) in %d rows; a model needs both 0 and 1" % (
        schema.label_name,
        present[0],
        labels[present[0]],
    )


def build_report(
    total, counts, rejected_count, first_rejections, schema, labels=None, problem=None, notes=()
):
    """The job's summary; `passed` is False when the run must stop at data prep."""
    counts = {name: counts.get(name, 0) for name in SPLITS}
    share = rejected_count / total if total else 1.0
    problem = problem or single_class(labels, schema)
    return {
        "rows": total,
        "accepted": sum(counts.values()),
        "rejected": rejected_count,
        "rejectedShare": share,
        "maxRejectedShare": schema.max_rejected_share,
        "splits": counts,
        "features": len(schema.features),
        "passed": total > 0
        and share <= schema.max_rejected_share
        and counts["train"] > 0
        and counts["test"] > 0
        and problem is None,
        "firstRejections": list(first_rejections),
        **({"problem": problem} if problem else {}),
        **({"notes": list(notes)} if notes else {}),
    }


def raise_too_many(report, result=None):
    if report["rows"] == 0:
        error = DataPrepError("the data set has no rows")
    elif report["rejected"] / report["rows"] > report["maxRejectedShare"]:
        error = TooManyRejectedRows(
            "%d of %d rows rejected (%.1f%%), over the limit of %.1f%% (data.maxRejectedShare); first: %s"
            % (
                report["rejected"],
                report["rows"],
                100 * report["rejectedShare"],
                100 * report["maxRejectedShare"],
                report["firstRejections"][0] if report["firstRejections"] else "-",
            )
        )
    elif report.get("problem"):
        error = DataPrepError(report["problem"])
    else:
        error = DataPrepError("the train or test split is empty; add rows or change data.split")
    error.result = result
    raise error


def quarantine_row(reason, line):
    """One rejected row as CSV (reason, original line without its line break), so nothing is lost."""

    def quote(text):
        return '"' + text.replace('"', '""') + '"'

    return "%s,%s" % (quote(reason), quote(line.rstrip("\r\n")))


def quarantine_csv(rejected):
    """Rejected rows with their reasons, as CSV (reason, original line)."""
    return "".join(quarantine_row(r["reason"], r["line"]) + "\n" for r in rejected)


def to_json(document):
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
