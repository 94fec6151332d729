"""Stand-ins for what etl/glue_job.py uses of Glue: awsglue, boto3's S3 client and the few RDD
operations, with Spark's semantics where they matter to the output:

- textFile splits the file into partitions in order; zipWithIndex numbers lines across them.
- saveAsTextFile writes one part-NNNNN file per partition (str() of each element, one per line) and
  an empty _SUCCESS marker (Hadoop's FileOutputCommitter), even for empty partitions.
- aggregate folds each partition from its own copy of the zero value, then combines the partition
  results into another copy (PySpark RDD.aggregate), so merges really happen.
"""

import copy
import sys
import types
from urllib.parse import urlparse


class FakeRDD:
    def __init__(self, partitions):
        self.partitions = [list(p) for p in partitions]

    def _each(self, fn):
        return FakeRDD([fn(p) for p in self.partitions])

    def take(self, n):
        return [x for p in self.partitions for x in p][:n]

    def zipWithIndex(self):
        out, index = [], 0
        for p in self.partitions:
            out.append([(x, index + i) for i, x in enumerate(p)])
            index += len(p)
        return FakeRDD(out)

    def map(self, fn):
        return self._each(lambda p: [fn(x) for x in p])

    def filter(self, fn):
        return self._each(lambda p: [x for x in p if fn(x)])

    def cache(self):
        return self

    def reduceByKey(self, fn):
        merged = {}
        for p in self.partitions:
            for key, value in p:
                merged[key] = fn(merged[key], value) if key in merged else value
        return FakeRDD([list(merged.items())])

    def collectAsMap(self):
        return dict(x for p in self.partitions for x in p)

    def aggregate(self, zero, seq_op, comb_op):
        results = []
        for p in self.partitions:
            acc = copy.deepcopy(zero)
            for x in p:
                acc = seq_op(acc, x)
            results.append(acc)
        total = copy.deepcopy(zero)
        for r in results:
            total = comb_op(total, r)
        return total

    def saveAsTextFile(self, uri):
        for i, p in enumerate(self.partitions):
            S3.put(uri + "part-%05d" % i, "".join(str(x) + "\n" for x in p))
        S3.put(uri + "_SUCCESS", "")


class FakeS3:
    def __init__(self):
        self.objects = {}

    def put(self, uri, text):
        self.objects[uri] = text

    def get_object(self, Bucket, Key):
        body = self.objects["s3://%s/%s" % (Bucket, Key)].encode("utf-8")
        return {"Body": types.SimpleNamespace(read=lambda: body)}

    def put_object(self, Bucket, Key, Body, ContentType):
        self.objects["s3://%s/%s" % (Bucket, Key)] = Body.decode("utf-8")


S3 = FakeS3()


class FakeSparkContext:
    partitions = 3

    @classmethod
    def getOrCreate(cls):
        return cls()

    def textFile(self, uri):
        # Spark decodes with replacement and splits on \n, \r\n or \r, dropping the terminators.
        lines = S3.objects[uri].splitlines()
        size = max(1, -(-len(lines) // self.partitions))
        return FakeRDD([lines[i : i + size] for i in range(0, len(lines), size)] or [[]])


def install(arguments):
    """Puts the stand-ins where glue_job.py imports them from, with these job arguments."""
    glue = types.ModuleType("awsglue")
    context = types.ModuleType("awsglue.context")
    context.GlueContext = lambda spark_context: None
    utils = types.ModuleType("awsglue.utils")
    utils.getResolvedOptions = lambda argv, names: {name: arguments[name] for name in names}
    pyspark = types.ModuleType("pyspark")
    pyspark_context = types.ModuleType("pyspark.context")
    pyspark_context.SparkContext = FakeSparkContext
    boto3 = types.ModuleType("boto3")
    boto3.client = lambda service: S3
    sys.modules.update(
        {
            "awsglue": glue,
            "awsglue.context": context,
            "awsglue.utils": utils,
            "pyspark": pyspark,
            "pyspark.context": pyspark_context,
            "boto3": boto3,
        }
    )


def parts_of(prefix):
    """The part files under a prefix, concatenated in order (what a reader of the prefix sees)."""
    keys = sorted(k for k in S3.objects if k.startswith(prefix) and "/part-" in k)
    return "".join(S3.objects[k] for k in keys)


def bucket_key(uri):
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")
