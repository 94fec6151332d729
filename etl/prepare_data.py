"""Local data prep: the same transform as the Glue job, on files.

    python3 etl/prepare_data.py --input data.csv --config config/ml-pipeline-config.json --output-dir out/

Writes train/, validation/ and test/ (label-first CSV without a header), quarantine/rejected.csv,
baseline/statistics.json and baseline/constraints.json, and report.json. Exit status 0 when the data
passed (a header in another order is noted on stderr and in report.json), 3 when the header's columns
do not match the config, too many rows were rejected or a split is empty (report.json is still
written), 2 for unreadable input.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import transform  # noqa: E402


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_outputs(result, out):
    for split, rows in result["splits"].items():
        write(os.path.join(out, split, "%s.csv" % split), "".join(row + "\n" for row in rows))
    write(os.path.join(out, "quarantine", "rejected.csv"), transform.quarantine_csv(result["rejected"]))
    write(os.path.join(out, "baseline", "statistics.json"), transform.to_json(result["statistics"]))
    write(os.path.join(out, "baseline", "constraints.json"), transform.to_json(result["constraints"]))
    write(os.path.join(out, "report.json"), transform.to_json(result["report"]))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--output-dir", required=True)
    args = parser.parse_args(argv)
    try:
        with open(args.config, encoding="utf-8") as handle:
            config = json.load(handle)
        # Bytes that are not UTF-8 become U+FFFD, as Spark's textFile decodes them; the transform
        # quarantines those rows with their line number instead of failing the whole file.
        with open(args.input, "rb") as handle:
            lines = handle.read().decode("utf-8", errors="replace").splitlines(keepends=True)
    except (OSError, ValueError) as problem:
        print("error: cannot read input: %s" % problem, file=sys.stderr)
        return 2
    try:
        result = transform.prepare(lines, config)
    except transform.DataPrepError as problem:
        write_outputs(problem.result, args.output_dir)
        print("error: %s" % problem, file=sys.stderr)
        return 3
    write_outputs(result, args.output_dir)
    for note in result["report"].get("notes", []):
        print("note: %s" % note, file=sys.stderr)
    print(json.dumps(result["report"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
