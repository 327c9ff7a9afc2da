"""The datatrove step, run through the example pipeline with datatrove from PyPI: every page
comes out cleaned as newsclean.Cleaner cleans it, with its removals in metadata, and the
samples' wire copy is found as `newsclean run` finds it."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

import newsclean  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared/eval/scraped-pages-dev.jsonl"


def run_example(input_dir: Path, output_dir: Path) -> list:
    subprocess.run(
        [sys.executable, str(ROOT / "examples/datatrove_pipeline.py"), str(input_dir), str(output_dir)],
        check=True,
    )
    docs = []
    for part in sorted(output_dir.glob("*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            docs.extend(json.loads(line) for line in f)
    return docs


def test_the_samples_through_datatrove(tmp_path):
    pages = [{"id": p.stem, "text": p.read_text(encoding="utf-8")}
             for p in sorted((ROOT / "samples").glob("*.txt"))]
    (tmp_path / "in").mkdir()
    (tmp_path / "in/samples.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pages))
    docs = run_example(tmp_path / "in", tmp_path / "out")
    cleaner = newsclean.Cleaner()
    assert [d["id"] for d in docs] == [p["id"] for p in pages]
    for doc, page in zip(docs, pages):
        want = cleaner.clean(page["text"], id=page["id"])
        assert doc["text"] == want["text"]
        meta = doc["metadata"]["newsclean"]
        assert meta["removed"] == want["removed"]
        assert meta["site"] == want["site"]
    syndicated = {(d["id"], p["cluster"]) for d in docs
                  for p in d["metadata"]["newsclean"]["paragraphs"] if p.get("kind") == "syndicated"}
    assert len(syndicated) == 6, "the three pairs of SEEDS.md"


@pytest.mark.skipif(not EVAL.exists(), reason="needs ../shared/eval beside the repository")
def test_the_eval_pages_through_datatrove(tmp_path):
    pages = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    (tmp_path / "in").mkdir()
    (tmp_path / "in/pages.jsonl").write_text(
        "".join(json.dumps({"id": p["id"], "text": p["text"], "url": p["url"]}) + "\n" for p in pages)
    )
    docs = run_example(tmp_path / "in", tmp_path / "out")
    cleaner = newsclean.Cleaner()
    by_id = {d["id"]: d for d in docs}
    empty = 0
    for page in pages:
        want = cleaner.clean(page["text"], url=page["url"], id=page["id"])
        if not want["text"]:
            empty += 1
            assert page["id"] not in by_id
            continue
        assert by_id[page["id"]]["text"] == want["text"]
    assert len(docs) + empty == len(pages)
