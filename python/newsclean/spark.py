"""The global part of newsclean's near-duplicate detection on Spark, for corpora past one machine.

``newsclean sketch INPUT... --out SKETCHES`` sketches every cleaned paragraph (per document, in
parallel, anywhere); this job reads those shards and does what ``newsclean run``'s detector does
with them in memory, with the same rules and thresholds (read from ``SKETCHES/_config.json``):

1. exact groups: paragraphs of at least ``min_words`` words with equal content hashes, each
   member paired with its group's first occurrence (its representative);
2. near-identical simhashes: the ``max_hamming + 1`` permuted tables of Manku et al. as a
   join on (table, block), each hash compared with its ``bucket_limit`` successors in the
   bucket's sorted order, as the Rust index scans it;
3. shared anchors: a join on the winnowed n-gram anchors of representatives, skipping anchors
   carried by more than ``anchor_max_df`` paragraphs (the single-machine index's
   document-frequency cut), with the rare-anchor simhash prefilter and the shared-anchor count;
4. verification of every candidate with the package's own function (``verify_pairs``: the
   Rust verification of ``run``, on the word hashes and flags of the shards);
5. document expansion: documents linked by verified copies get their other paragraph pairs
   compared, with the same partner and group limits;
6. clusters (union-find over verified copy pairs, shared-quote pairs apart), kinds
   (syndicated / site-template / repeated / shared-quote), cluster numbers and annotations.

Paragraphs are ordered as ``run`` adds them: by shard, then document within the shard, then
paragraph, packed into one 64-bit number (``gid``). Steps 1-5 are Spark joins; step 6 runs on
the driver over the verified pairs only (a few per syndicated paragraph), see docs/scale.md.

Output, written whole or not at all: ``OUT/duplicates`` (Parquet, one row per paragraph
cluster: ``id, kind, members[{doc, site, paragraph}], pairs[{a, b, similarity, kind}], sites,
credits``, the paragraph lines of ``duplicates.jsonl`` without the texts) and
``OUT/annotations`` (one row per flagged paragraph: ``doc, paragraph, cluster, kind,
similarity, first``, what ``run`` adds to each record's paragraphs).

    spark-submit python/newsclean/spark.py SKETCHES --out OUT
    python -m newsclean.spark SKETCHES --out OUT --master 'local[2]'
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

# Bits of the packed paragraph number: shard, document within the shard, paragraph within
# the document. Order-preserving (shard, doc, para), so comparing gids compares positions.
SHARD_BITS, DOC_BITS, PARA_BITS = 19, 24, 20

# The columns of a shard (src/output/sketches.rs), declared so that a directory without
# shards reads as an empty batch and a shard of another layout fails at once.
SKETCH_SCHEMA = (
    "shard int, doc int, para int, doc_id string, site string, credits array<string>, "
    "words int, content_hash bigint, simhash bigint, anchors array<bigint>, "
    "word_hashes binary, word_flags binary"
)

# Verdict codes of newsclean._native.verify_pairs.
NO_MATCH, COPY, SHARED_QUOTE = 0, 1, 2

# Word counts saturate at u16 in the detector's arrays (thresholds are far below).
U16_MAX = 65535


def block_layout(blocks: int) -> List[Tuple[int, int]]:
    """Bit ranges (start, width) of the blocks a 64-bit simhash is split into, as the Rust index
    (``index::block_layout``) splits them."""
    blocks = max(1, min(64, blocks))
    base, extra = divmod(64, blocks)
    layout, start = [], 0
    for block in range(blocks):
        width = base + (1 if block < extra else 0)
        layout.append((start, width))
        start += width
    return layout


def _verify_batches(config_json: str):
    """A mapInArrow function verifying the pairs of each Arrow batch with the Rust verification."""

    def verify(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from newsclean._native import verify_pairs

        for batch in batches:
            columns = batch.to_pydict()
            kinds, similarities = verify_pairs(
                columns["ha"], columns["fa"], columns["hb"], columns["fb"], config_json
            )
            yield pa.RecordBatch.from_arrays(
                [
                    batch.column("a"),
                    batch.column("b"),
                    pa.array(list(kinds), pa.int8()),
                    pa.array(similarities, pa.float64()),
                ],
                names=["a", "b", "kind", "similarity"],
            )

    return verify


class Job:
    """One run of the job over a sketch directory."""

    def __init__(self, spark: Any, sketches: str, config: Dict[str, Any]) -> None:
        from pyspark.sql import functions as F

        self.spark, self.config, self.F = spark, config, F
        self.config_json = json.dumps(config)
        raw = spark.read.schema(SKETCH_SCHEMA).option("pathGlobFilter", "sketches-*.parquet").parquet(sketches)
        gid = F.expr(
            f"shiftleft(cast(shard as bigint), {DOC_BITS + PARA_BITS})"
            f" | shiftleft(cast(doc as bigint), {PARA_BITS}) | cast(para as bigint)"
        )
        self.raw = raw.withColumn("gid", gid)
        limits = raw.agg(F.max("shard"), F.max("doc"), F.max("para")).first()
        for value, bits, what in zip(limits, (SHARD_BITS, DOC_BITS, PARA_BITS), ("shards", "documents in a shard", "paragraphs in a document")):
            if value is not None and value >= 1 << bits:
                raise SystemExit(f"newsclean.spark: more than {1 << bits} {what}: re-shard the input")

    def paragraphs(self) -> Any:
        """Every paragraph with its exact group: representative (first occurrence), size and
        the representative's simhash. One shuffle, by content hash (paragraphs with equal
        hashes have the same words, so all of a group are eligible or none is)."""
        F, c = self.F, self.config
        from pyspark.sql import Window

        group = Window.partitionBy("content_hash")
        eligible = F.col("words") >= c["min_words"]
        return (
            self.raw.select(
                "gid",
                F.expr(f"shiftright(gid, {PARA_BITS})").alias("gdoc"),
                F.least(F.col("words"), F.lit(U16_MAX)).alias("words"),
                "content_hash",
                "simhash",
                "anchors",
            )
            .select(
                "gid",
                "gdoc",
                "words",
                "simhash",
                "anchors",
                F.when(eligible, F.min("gid").over(group)).alias("rep"),
                F.when(eligible, F.count("*").over(group)).alias("gsize"),
                # The expansion's prefilter compares the representatives' simhashes.
                F.when(eligible, F.min_by("simhash", "gid").over(group)).alias("rep_simhash"),
            )
            .persist()
        )

    def simhash_pairs(self, searchable: Any) -> Any:
        """Pairs within ``max_hamming`` bits: per table, the hashes grouped by their block
        (one shuffle), sorted as the Rust table sorts them, each compared with its
        ``bucket_limit`` successors."""
        F, c = self.F, self.config
        tables = []
        for table, (start, width) in enumerate(block_layout(c["max_hamming"] + 1)):
            rotation = (64 - (start + width)) % 64
            rotated = (
                F.col("simhash")
                if rotation == 0
                else F.expr(f"shiftleft(simhash, {rotation}) | shiftrightunsigned(simhash, {64 - rotation})")
            )
            tables.append(
                searchable.select(
                    F.lit(table).alias("t"),
                    F.shiftrightunsigned(rotated, 64 - width).alias("bucket"),
                    F.struct(rotated.alias("rotated"), "gid", "simhash").alias("item"),
                )
            )
        table = tables[0]
        for other in tables[1:]:
            table = table.unionByName(other)
        # Inside a bucket the top bits are equal, so the signed order of the rotated hashes is
        # the unsigned order the Rust tables sort by; ties on the hash go by paragraph number.
        buckets = (
            table.groupBy("t", "bucket")
            .agg(F.sort_array(F.collect_list("item")).alias("items"))
            .filter(F.size("items") >= 2)
        )
        limit = c["bucket_limit"]
        pairs = buckets.select(
            F.explode(
                F.expr(
                    "flatten(transform(sequence(0, size(items) - 2), i -> transform("
                    f"slice(items, i + 2, least({limit}, size(items) - 1 - i)),"
                    " y -> named_struct('x', items[i], 'y', y))))"
                )
            ).alias("p")
        )
        return pairs.filter(
            F.bit_count(F.col("p.x.simhash").bitwiseXOR(F.col("p.y.simhash"))) <= c["max_hamming"]
        ).select(
            F.least("p.x.gid", "p.y.gid").alias("a"), F.greatest("p.x.gid", "p.y.gid").alias("b")
        )

    def anchor_pairs(self, searchable: Any) -> Any:
        """Pairs sharing anchors: the distinct paragraphs of each anchor (one shuffle), anchors
        of more than ``anchor_max_df`` skipped, each pair of a common anchor through the simhash
        prefilter, then the shared anchors counted per pair (a second shuffle)."""
        F, c = self.F, self.config
        postings = searchable.select(
            F.explode("anchors").alias("anchor"), F.struct("gid", "simhash", "words").alias("item")
        )
        anchors = (
            postings.groupBy("anchor")
            .agg(F.sort_array(F.collect_set("item")).alias("items"))
            .filter((F.size("items") >= 2) & (F.size("items") <= c["anchor_max_df"]))
        )
        pairs = anchors.select(
            F.size("items").alias("df"),
            F.explode(
                F.expr(
                    "flatten(transform(sequence(0, size(items) - 2), i -> transform("
                    "slice(items, i + 2, size(items) - 1 - i), y -> named_struct('x', items[i], 'y', y))))"
                )
            ).alias("p"),
        )
        shared = (
            pairs.filter(
                (F.col("df") <= c["anchor_rare_df"])
                | (F.bit_count(F.col("p.x.simhash").bitwiseXOR(F.col("p.y.simhash"))) <= c["prefilter_max_hamming"])
            )
            .groupBy(F.col("p.x.gid").alias("a"), F.col("p.y.gid").alias("b"))
            .agg(F.count("*").alias("shared"), F.first(F.least("p.x.words", "p.y.words")).alias("shorter"))
        )
        needed = F.when(F.col("shorter") < c["single_anchor_words"], 1).otherwise(c["min_shared_anchors"])
        return shared.filter(F.col("shared") >= needed).select("a", "b")

    def verify(self, candidates: Any) -> Any:
        """The candidates that verification accepts, with their verdict and similarity."""
        F = self.F
        words = self.raw.select("gid", "word_hashes", "word_flags")
        a = words.select(F.col("gid").alias("a"), F.col("word_hashes").alias("ha"), F.col("word_flags").alias("fa"))
        b = words.select(F.col("gid").alias("b"), F.col("word_hashes").alias("hb"), F.col("word_flags").alias("fb"))
        pairs = candidates.join(a, "a").join(b, "b").select("a", "b", "ha", "fa", "hb", "fb")
        verified = pairs.mapInArrow(
            _verify_batches(self.config_json),
            "a long, b long, kind byte, similarity double",
        )
        return verified.filter(F.col("kind") != NO_MATCH)

    def expansion_pairs(self, paragraphs: Any, first_round: Any, verified: Any) -> Any:
        """Second-round candidates: pairs of documents linked by verified copies."""
        F, c = self.F, self.config
        from pyspark.sql import Window

        info = paragraphs.select("gid", "gdoc", "words", "gsize", "rep")
        long_rare = lambda side: (  # noqa: E731
            (F.col(f"{side}.words") >= c["short_words"])
            & F.col(f"{side}.rep").isNotNull()
            & (F.col(f"{side}.gsize") <= c["expand_max_group"])
        )
        copies = (
            verified.filter(F.col("kind") == COPY)
            .join(info.alias("pa"), F.col("a") == F.col("pa.gid"))
            .join(info.alias("pb"), F.col("b") == F.col("pb.gid"))
            .filter((F.col("pa.gdoc") != F.col("pb.gdoc")) & long_rare("pa") & long_rare("pb"))
        )
        links = copies.groupBy(
            F.least("pa.gdoc", "pb.gdoc").alias("da"), F.greatest("pa.gdoc", "pb.gdoc").alias("db")
        ).agg(F.count("*").alias("n"))
        both = links.select(F.col("da").alias("doc"), F.col("db").alias("other"), "n").unionByName(
            links.select(F.col("db").alias("doc"), F.col("da").alias("other"), "n")
        )
        best = Window.partitionBy("doc").orderBy(F.col("n").desc(), F.col("other").asc())
        kept = (
            both.withColumn("rank", F.row_number().over(best))
            .filter(F.col("rank") <= c["expand_max_partners"])
            .select(F.least("doc", "other").alias("da"), F.greatest("doc", "other").alias("db"))
            .distinct()
        )
        members = paragraphs.filter(
            (F.col("words") >= c["short_words"]) & F.col("rep").isNotNull()
        ).select("gdoc", "rep", "rep_simhash")
        x, y = members.alias("x"), members.alias("y")
        found = (
            kept.join(x, F.col("da") == F.col("x.gdoc"))
            .join(y, F.col("db") == F.col("y.gdoc"))
            .filter(
                (F.col("x.rep") != F.col("y.rep"))
                & (F.bit_count(F.col("x.rep_simhash").bitwiseXOR(F.col("y.rep_simhash"))) <= c["prefilter_max_hamming"])
            )
            .select(F.least("x.rep", "y.rep").alias("a"), F.greatest("x.rep", "y.rep").alias("b"))
            .distinct()
        )
        return found.join(first_round, ["a", "b"], "left_anti")

    def verified_pairs(self) -> Tuple[List[Tuple[int, int, int, float]], Dict[str, Any]]:
        """Every verified pair (a, b, verdict, similarity), both rounds, and counts."""
        F, c = self.F, self.config
        paragraphs = self.paragraphs()
        exact = paragraphs.filter(F.col("rep").isNotNull() & (F.col("gid") != F.col("rep"))).select(
            F.col("rep").alias("a"), F.col("gid").alias("b")
        )
        searchable = paragraphs.filter(
            (F.col("rep") == F.col("gid")) & (F.col("words") >= c["short_words"])
        ).select("gid", "words", "simhash", "anchors")
        first_round = (
            exact.unionByName(self.simhash_pairs(searchable))
            .unionByName(self.anchor_pairs(searchable))
            .distinct()
            .persist()
        )
        verified = self.verify(first_round).persist()
        started = time.monotonic()
        rows = [tuple(r) for r in verified.collect()]
        stats: Dict[str, Any] = {"candidates": first_round.count(), "verified_pairs": len(rows)}
        stats["first_round_seconds"] = round(time.monotonic() - started, 2)
        if c["expand_documents"]:
            started = time.monotonic()
            expansion = self.expansion_pairs(paragraphs, first_round, verified).persist()
            stats["expansion_candidates"] = expansion.count()
            more = [tuple(r) for r in self.verify(expansion).collect()]
            stats["expansion_verified_pairs"] = len(more)
            stats["expansion_seconds"] = round(time.monotonic() - started, 2)
            rows += more
        stats["paragraphs"] = paragraphs.count()
        return rows, stats

    def members(self, gids: List[int]) -> Dict[int, Tuple[str, str, int, int, List[str]]]:
        """doc id, site, paragraph, document number and credits of the paragraphs `gids`."""
        F = self.F
        wanted = self.spark.createDataFrame([(g,) for g in gids], "gid long")
        rows = (
            self.raw.join(F.broadcast(wanted), "gid")
            .select("gid", "doc_id", "site", "para", F.expr(f"shiftright(gid, {PARA_BITS})"), "credits")
            .collect()
        )
        return {r[0]: (r[1], r[2], r[3], r[4], list(r[5])) for r in rows}


def components(edges: List[Tuple[int, int]]) -> List[List[int]]:
    """Connected components of two or more nodes, each sorted, sorted by their first node."""
    parent: Dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: Dict[int, List[int]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def copy_kind(same_document: bool, same_site: bool) -> str:
    if same_document:
        return "repeated"
    return "site-template" if same_site else "syndicated"


def build_clusters(
    pairs: List[Tuple[int, int, int, float]], member: Dict[int, Tuple[str, str, int, int, List[str]]]
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Clusters and annotations from the verified pairs, by the rules of the Rust
    ``cluster::build_report``: copy and shared-quote pairs clustered apart, kinds from the
    members' documents and sites, numbered by first occurrence (copy before shared-quote on
    ties), copy clusters annotating before shared-quote ones."""
    clusters: List[Tuple[Tuple[int, bool], Dict[str, Any]]] = []
    for verdict in (COPY, SHARED_QUOTE):
        edges = [p for p in pairs if p[2] == verdict]
        by_first: Dict[int, List[Tuple[int, int, int, float]]] = {}
        comps = components([(a, b) for a, b, _, _ in edges])
        comp_of = {gid: i for i, comp in enumerate(comps) for gid in comp}
        for edge in edges:
            by_first.setdefault(comp_of[edge[0]], []).append(edge)
        for i, comp in enumerate(comps):
            info = [member[g] for g in comp]
            if verdict == SHARED_QUOTE:
                kind = "shared-quote"
            else:
                kind = copy_kind(len({m[3] for m in info}) < 2, len({m[1] for m in info}) < 2)
            index = {g: k for k, g in enumerate(comp)}
            cluster_pairs = []
            for a, b, v, similarity in by_first.get(i, []):
                ma, mb = member[a], member[b]
                pair_kind = "shared-quote" if v == SHARED_QUOTE else copy_kind(ma[3] == mb[3], ma[1] == mb[1])
                cluster_pairs.append({"a": index[a], "b": index[b], "similarity": similarity, "kind": pair_kind})
            cluster_pairs.sort(key=lambda p: (p["a"], p["b"]))
            clusters.append(
                (
                    (comp[0], verdict == SHARED_QUOTE),
                    {
                        "kind": kind,
                        "members": [{"doc": m[0], "site": m[1], "paragraph": m[2]} for m in info],
                        "gids": comp,
                        "pairs": cluster_pairs,
                        "sites": sorted({m[1] for m in info}),
                        "credits": sorted({c for m in info for c in m[4]}),
                    },
                )
            )
    clusters.sort(key=lambda kc: kc[0])
    ordered = []
    for number, (_, cluster) in enumerate(clusters):
        cluster["id"] = number
        ordered.append(cluster)
    annotated: Dict[int, Dict[str, Any]] = {}
    strong_first = [c for c in ordered if c["kind"] != "shared-quote"] + [
        c for c in ordered if c["kind"] == "shared-quote"
    ]
    for cluster in strong_first:
        best = [0.0] * len(cluster["gids"])
        for p in cluster["pairs"]:
            best[p["a"]] = max(best[p["a"]], p["similarity"])
            best[p["b"]] = max(best[p["b"]], p["similarity"])
        for k, gid in enumerate(cluster["gids"]):
            if gid not in annotated:
                m = member[gid]
                annotated[gid] = {
                    "doc": m[0],
                    "paragraph": m[2],
                    "cluster": cluster["id"],
                    "kind": cluster["kind"],
                    "similarity": best[k],
                    "first": k == 0,
                }
    for cluster in ordered:
        del cluster["gids"]
    annotations = [annotated[g] for g in sorted(annotated)]
    return ordered, annotations


DUPLICATES_SCHEMA = (
    "id int, kind string, members array<struct<doc: string, site: string, paragraph: int>>, "
    "pairs array<struct<a: int, b: int, similarity: double, kind: string>>, "
    "sites array<string>, credits array<string>"
)
ANNOTATIONS_SCHEMA = "doc string, paragraph int, cluster int, kind string, similarity double, first boolean"


def write_output(spark: Any, out: str, force: bool, tables: Dict[str, Tuple[List[Dict[str, Any]], str]]) -> None:
    """Writes each table under a staging sibling of `out`, then renames it into place: the
    output appears whole or not at all, on any Hadoop file system."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    target = jvm.org.apache.hadoop.fs.Path(out)
    fs = target.getFileSystem(conf)
    if fs.exists(target) and not force:
        raise SystemExit(f"newsclean.spark: {out}: already exists (use --force to replace it)")
    parent = target.getParent()
    staging = jvm.org.apache.hadoop.fs.Path(parent, f".{target.getName()}.newsclean-spark-{os.getpid()}")
    fs.delete(staging, True)
    try:
        for name, (rows, schema) in tables.items():
            frame = spark.createDataFrame(rows, schema) if rows else spark.createDataFrame([], schema)
            frame.coalesce(1).write.parquet(staging.toString() + "/" + name)
        if fs.exists(target):
            fs.delete(target, True)
        if not fs.rename(staging, target):
            raise SystemExit(f"newsclean.spark: could not move the output to {out}")
    finally:
        fs.delete(staging, True)


def read_text(spark: Any, path: str) -> str:
    """A small file's text through Hadoop's file system (any URL Spark reads: local, HDFS,
    S3). Spark's readers skip names starting with `_`, as Parquet readers do, which is why the
    config is named so: the directory reads as one Parquet dataset."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(path)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(fs.open(target), "UTF-8"))
    try:
        return "\n".join(iter(reader.readLine, None))
    finally:
        reader.close()


def run(
    spark: Any, sketches: str, out: str, force: bool = False, overrides: Optional[Dict[str, Any]] = None
) -> Dict[str, Any]:
    """Runs the job: reads the shards of `sketches`, writes `out`; returns its counts.
    `overrides` replace fields of the sketches' _config.json (those that do not change the
    sketches: ``copy_threshold``, ``max_hamming``, ...), checked as the CLI checks them."""
    from newsclean._native import dedup_config_json

    started = time.monotonic()
    config_text = read_text(spark, os.path.join(sketches, "_config.json"))
    config = {**json.loads(config_text), **(overrides or {})}
    config = json.loads(dedup_config_json(json.dumps(config)))
    job = Job(spark, sketches, config)
    stats = {"setup_seconds": round(time.monotonic() - started, 2)}
    pairs, found = job.verified_pairs()
    stats.update(found)
    clustering = time.monotonic()
    members = job.members(sorted({g for a, b, _, _ in pairs for g in (a, b)}))
    clusters, annotations = build_clusters(pairs, members)
    stats["cluster_seconds"] = round(time.monotonic() - clustering, 2)
    writing = time.monotonic()
    for cluster in clusters:
        for pair in cluster["pairs"]:
            pair["a"], pair["b"] = int(pair["a"]), int(pair["b"])
    write_output(
        spark,
        out,
        force,
        {
            "duplicates": (clusters, DUPLICATES_SCHEMA),
            "annotations": (annotations, ANNOTATIONS_SCHEMA),
        },
    )
    stats["write_seconds"] = round(time.monotonic() - writing, 2)
    stats["clusters"] = len(clusters)
    stats["annotations"] = len(annotations)
    stats["seconds"] = round(time.monotonic() - started, 2)
    return stats


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsclean.spark",
        description="Find syndicated paragraphs across the Parquet shards of `newsclean sketch`.",
    )
    parser.add_argument("sketches", help="directory written by `newsclean sketch`")
    parser.add_argument("--out", required=True, help="output directory (duplicates/, annotations/)")
    parser.add_argument("--force", action="store_true", help="replace an existing output")
    parser.add_argument("--similarity", type=float, help="as `newsclean run --similarity` (default: _config.json's)")
    parser.add_argument("--max-hamming", type=int, help="as `newsclean run --max-hamming` (default: _config.json's)")
    parser.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    parser.add_argument(
        "--shuffle-partitions",
        type=int,
        default=None,
        help="spark.sql.shuffle.partitions (default: 4 per core of a local master, else Spark's)",
    )
    args = parser.parse_args(argv)
    # Python workers must import the same package, so they run this interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("newsclean-syndication")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    master = spark.sparkContext.master
    partitions = args.shuffle_partitions
    if partitions is None and master.startswith("local"):
        partitions = 4 * spark.sparkContext.defaultParallelism
    if partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    try:
        overrides = {"copy_threshold": args.similarity, "max_hamming": args.max_hamming}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        stats = run(spark, args.sketches, args.out, args.force, overrides)
    finally:
        spark.stop()
    print("newsclean.spark: " + json.dumps(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
