"""AWS Glue (5.0, PySpark) data-prep job: the shared transform, run across Spark partitions.

Arguments: --raw_uri (the CSV), --output_uri (run prefix, ends with /), --config_uri (the ML pipeline
config JSON in S3). Writes the same layout as etl/prepare_data.py: train/, validation/, test/,
quarantine/, baseline/statistics.json, baseline/constraints.json and report.json. The job fails when
too many rows are rejected, after writing the report and the quarantine, so the cause can be read.
"""

import json
import sys
from operator import add
from urllib.parse import urlparse

import boto3
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

import transform


def s3_parts(uri):
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def read_text(s3, uri):
    bucket, key = s3_parts(uri)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")


def write_text(s3, uri, text, content_type):
    bucket, key = s3_parts(uri)
    s3.put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType=content_type)


def match_columns(s3, out, first_lines, schema):
    """The header's columns matched to the config's, on the driver before any row is read; when they
    do not match, the report says why (the state machine reads it to explain the failure)."""
    try:
        schema, has_header, notes = transform.columns_of(first_lines[0] if first_lines else None, schema)
    except transform.ColumnMismatch as problem:
        write_text(s3, out + "report.json", transform.to_json(problem.result["report"]), "application/json")
        raise
    for note in notes:
        print("note: %s" % note)
    return schema, has_header, notes


def main():
    args = getResolvedOptions(sys.argv, ["JOB_NAME", "raw_uri", "output_uri", "config_uri"])
    spark_context = SparkContext.getOrCreate()
    GlueContext(spark_context)
    s3 = boto3.client("s3")
    config = json.loads(read_text(s3, args["config_uri"]))
    out = args["output_uri"]
    lines = spark_context.textFile(args["raw_uri"])
    schema, has_header, notes = match_columns(s3, out, lines.take(1), transform.Schema(config))

    numbered = lines.zipWithIndex().map(lambda pair: (pair[1] + 1, pair[0]))
    if has_header:
        numbered = numbered.filter(lambda pair: pair[0] != 1)
    # Each row keeps its raw line (the quarantine records it beside the reason, as local data prep
    # does) and its line number (which places it in the baseline's sample).
    rows = numbered.filter(lambda pair: pair[1].strip()).map(
        lambda pair: transform.process_line(pair[0], pair[1], schema) + (pair[1], pair[0])
    )
    rows.cache()

    for split in transform.SPLITS:
        rows.filter(lambda row, s=split: row[0] == s).map(lambda row: row[1]).saveAsTextFile(
            out + split + "/"
        )
    rejected = rows.filter(lambda row: row[0] == "rejected")
    counts = rows.map(lambda row: (row[0], 1)).reduceByKey(add).collectAsMap()
    rejected_count = counts.pop("rejected", 0)
    total = rejected_count + sum(counts.values())
    first = rejected.map(lambda row: row[1]).take(10)
    rejected.map(lambda row: transform.quarantine_row(row[1], row[3])).saveAsTextFile(out + "quarantine/")

    width = len(schema.features)
    stats = (
        rows.filter(lambda row: row[0] == "train")
        .map(lambda row: (row[2], row[4]))
        .aggregate(
            transform.DatasetStats(width),
            lambda acc, item: acc.add(item[0], item[1]),
            lambda a, b: a.merge(b),
        )
    )
    write_text(
        s3,
        out + "baseline/statistics.json",
        transform.to_json(transform.baseline_statistics(stats, schema.features)),
        "application/json",
    )
    write_text(
        s3,
        out + "baseline/constraints.json",
        transform.to_json(transform.baseline_constraints(stats, schema.features)),
        "application/json",
    )
    labels = (
        rows.filter(lambda row: row[0] != "rejected")
        .map(lambda row: (row[1].split(",", 1)[0], 1))
        .reduceByKey(add)
        .collectAsMap()
    )
    report = transform.build_report(total, counts, rejected_count, first, schema, labels, notes=notes)
    write_text(s3, out + "report.json", transform.to_json(report), "application/json")
    if not report["passed"]:
        transform.raise_too_many(report)


if __name__ == "__main__":
    main()
