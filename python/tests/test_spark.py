"""The Spark job (newsclean.spark) on local[2] against `newsclean run` on the same generated
corpus of at least 200 000 paragraphs in 8 shards: the same clusters (numbers, kinds, members,
pairs and similarities) and the same per-paragraph annotations.

Needs the binary (NEWSCLEAN_BIN) and the corpus generator (NEWSCLEAN_GEN_CORPUS, the
`gen_corpus` example); skipped without pyspark unless NEWSCLEAN_REQUIRE_SPARK=1 (CI), where a
missing piece is a failure.
"""

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REQUIRED = os.environ.get("NEWSCLEAN_REQUIRE_SPARK") == "1"
if not REQUIRED:
    pytest.importorskip("pyspark")
    if not (os.environ.get("NEWSCLEAN_BIN") and os.environ.get("NEWSCLEAN_GEN_CORPUS")):
        pytest.skip("NEWSCLEAN_BIN and NEWSCLEAN_GEN_CORPUS name the binaries", allow_module_level=True)

import pyarrow.parquet as pq  # noqa: E402

from newsclean import spark as job  # noqa: E402

SHARDS = 8
# Documents of the generated corpus: 12.75 cleaned paragraphs each on seed 42 (8200 documents
# gave 104 558), so about 210 000 paragraphs, past the 200 000 the issue asks for.
DOCS = int(os.environ.get("NEWSCLEAN_SPARK_DOCS", "16500"))
MIN_PARAGRAPHS = 200_000


def run_clusters(path: Path) -> list:
    """The paragraph clusters of run's duplicates.jsonl, as the job's rows show them."""
    clusters = []
    for line in path.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        if c["level"] != "paragraph":
            continue
        clusters.append(
            {
                "id": c["id"],
                "kind": c["kind"],
                "members": [(m["doc"], m["site"], m["paragraph"]) for m in c["members"]],
                "pairs": [(p["a"], p["b"], p["similarity"], p["kind"]) for p in c["pairs"]],
                "sites": c["sites"],
                "credits": c["credits"],
            }
        )
    return clusters


def job_clusters(path: Path) -> list:
    rows = pq.read_table(path).to_pylist()
    return sorted(
        (
            {
                "id": r["id"],
                "kind": r["kind"],
                "members": [(m["doc"], m["site"], m["paragraph"]) for m in r["members"]],
                "pairs": [(p["a"], p["b"], p["similarity"], p["kind"]) for p in r["pairs"]],
                "sites": r["sites"],
                "credits": r["credits"],
            }
            for r in rows
        ),
        key=lambda c: c["id"],
    )


def run_annotations(path: Path) -> dict:
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            for index, p in enumerate(record["paragraphs"]):
                if "cluster" in p:
                    found[(record["id"], index)] = (p["cluster"], p["kind"], p["similarity"])
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The generated corpus in 8 JSONL shards, `run`'s output on them and their sketches."""
    root = tmp_path_factory.mktemp("spark")
    binary, generate = os.environ["NEWSCLEAN_BIN"], os.environ["NEWSCLEAN_GEN_CORPUS"]
    whole = root / "corpus.jsonl"
    subprocess.run([generate, "--docs", str(DOCS), "--out", str(whole), "--quiet"], check=True)
    lines = whole.read_bytes().splitlines(keepends=True)
    whole.unlink()
    shards = []
    for n in range(SHARDS):
        shard = root / f"part-{n}.jsonl"
        shard.write_bytes(b"".join(lines[n * len(lines) // SHARDS : (n + 1) * len(lines) // SHARDS]))
        shards.append(str(shard))
    timings = {}
    started = time.monotonic()
    subprocess.run([binary, "run", *shards, "--out", str(root / "run"), "--quiet"], check=True)
    timings["run"] = time.monotonic() - started
    started = time.monotonic()
    subprocess.run([binary, "sketch", *shards, "--out", str(root / "sketches"), "--quiet"], check=True)
    timings["sketch"] = time.monotonic() - started
    return root, timings


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("newsclean-test")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_the_job_finds_what_run_finds(corpus, spark):
    root, timings = corpus
    parts = sorted((root / "sketches").glob("sketches-*.parquet"))
    assert len(parts) == SHARDS
    paragraphs = sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
    assert paragraphs >= MIN_PARAGRAPHS, f"{paragraphs} paragraphs: raise NEWSCLEAN_SPARK_DOCS"

    started = time.monotonic()
    stats = job.run(spark, str(root / "sketches"), str(root / "job"))
    timings["spark"] = time.monotonic() - started
    print(f"\n{paragraphs} paragraphs; seconds: " + json.dumps({k: round(v, 1) for k, v in timings.items()}))
    print("job: " + json.dumps(stats))
    assert stats["paragraphs"] == paragraphs

    expected = run_clusters(root / "run/duplicates.jsonl")
    found = job_clusters(root / "job/duplicates")
    syndicated = [c for c in expected if c["kind"] == "syndicated"]
    assert len(syndicated) > 1000, "the corpus should carry wire copy"
    assert {c["kind"] for c in found} >= {"syndicated", "site-template"}
    # Syndicated pairs first (the measure), then every cluster as run numbers it.
    pairs = lambda cs: {  # noqa: E731
        (c["members"][p[0]][:3:2], c["members"][p[1]][:3:2], p[2])
        for c in cs
        for p in c["pairs"]
        if p[3] == "syndicated"
    }
    assert pairs(found) == pairs(expected)
    assert len(found) == len(expected)
    for mine, theirs in zip(found, expected):
        assert mine == theirs

    annotations = {
        # Records show similarities to three decimals, rounding half away from zero (Rust's round).
        (r["doc"], r["paragraph"]): (r["cluster"], r["kind"], math.floor(r["similarity"] * 1000 + 0.5) / 1000)
        for r in pq.read_table(root / "job/annotations").to_pylist()
    }
    assert annotations == run_annotations(root / "run/documents.jsonl")
