"""Times `newsclean run` against `newsclean sketch` + the Spark job on the same sharded corpus,
and reads the job's shuffle and input bytes from Spark's REST API: the figures of docs/scale.md.

    python examples/spark_scale.py NEWSCLEAN_BIN SHARD.jsonl... --work DIR [--master local[2]]

Runs one thing at a time (no overlap), prints JSON.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def timed(command):
    started = time.monotonic()
    subprocess.run(command, check=True)
    return round(time.monotonic() - started, 2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("shards", nargs="+")
    parser.add_argument("--work", required=True)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    figures = {"run_seconds": timed([args.binary, "run", *args.shards, "--out", str(work / "run"), "--quiet", "--force"])}
    figures["sketch_seconds"] = timed(
        [args.binary, "sketch", *args.shards, "--out", str(work / "sketches"), "--quiet", "--force"]
    )
    parts = sorted((work / "sketches").glob("sketches-*.parquet"))
    figures["sketch_bytes"] = sum(p.stat().st_size for p in parts)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from newsclean import spark as job

    started = time.monotonic()
    spark = (
        SparkSession.builder.master(args.master)
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    figures["spark_start_seconds"] = round(time.monotonic() - started, 2)
    stats = job.run(spark, str(work / "sketches"), str(work / "job"), force=True)
    figures["job"] = stats
    figures["spark_total_seconds"] = round(time.monotonic() - started, 2)
    ui = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/stages?status=complete") as r:
        stages = json.load(r)
    figures["shuffle_write_bytes"] = sum(s.get("shuffleWriteBytes", 0) for s in stages)
    figures["input_bytes"] = sum(s.get("inputBytes", 0) for s in stages)
    figures["peak_execution_memory_bytes"] = max((s.get("peakExecutionMemory", 0) for s in stages), default=0)
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/executors") as r:
        executors = json.load(r)
    figures["executor_peak_jvm_heap_bytes"] = max(
        (e.get("peakMemoryMetrics", {}).get("JVMHeapMemory", 0) for e in executors), default=0
    )
    spark.stop()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
