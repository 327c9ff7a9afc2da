"""The Python package against the library's contract: records as the CLI writes them, spans
that slice the text, input order, errors as exceptions, dedup as `newsclean run` finds it."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

import newsclean

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def cleaner():
    return newsclean.Cleaner()


def sample_items():
    return [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in SAMPLES]


def test_the_readme_one_liner_prints_the_scmp_headline(cleaner):
    text = (ROOT / "samples/scmp-nk-diplomat.txt").read_text(encoding="utf-8")
    record = cleaner.clean(text)
    assert record["title"].startswith("North Korea’s top diplomat in Italy")
    assert record["site"] == "scmp"


def test_spans_slice_the_text_and_the_original(cleaner):
    for item in sample_items():
        record = cleaner.clean(item["text"], id=item["id"])
        text, original = record["text"], item["text"]
        pieces = [text[a:b] for a, b in (p["span"] for p in record["paragraphs"])]
        assert "\n\n".join(pieces) == text
        for p in record["paragraphs"]:
            a, b = p["original"]
            assert original[a:b].strip() != ""
            assert text[p["span"][0]:p["span"][1]] in original[a:b].replace("\u00a0", " ")
        for r in record["removed"]:
            a, b = r["original"]
            assert 0 <= a < b <= len(original)
            assert r["rule"]


def test_clean_many_gives_clean_s_records_in_input_order(cleaner):
    items = sample_items() * 3
    one_by_one = [cleaner.clean(i["text"], id=i["id"]) for i in items]
    for threads in (1, 2):
        many = list(cleaner.clean_many(items, threads=threads, batch_size=4))
        assert many == one_by_one


def test_clean_many_takes_texts_and_keeps_other_fields(cleaner):
    text = SAMPLES[0].read_text(encoding="utf-8")
    plain, rich = cleaner.clean_many(
        [text, {"text": text, "id": 7, "url": "https://example.com/a", "lang": "en"}]
    )
    assert plain["id"] == "doc-0"
    assert rich["id"] == "7"
    assert rich["url"] == "https://example.com/a"
    assert rich["metadata"] == {"lang": "en"}
    assert plain["text"] == rich["text"] or rich["site"] == "example.com"


def test_clean_many_streams_a_generator(cleaner):
    text = SAMPLES[0].read_text(encoding="utf-8")
    records = cleaner.clean_many((text for _ in range(10)), batch_size=3)
    assert [r["id"] for r in records] == [f"doc-{i}" for i in range(10)]


def test_errors_are_exceptions_with_the_cli_s_messages(tmp_path):
    with pytest.raises(newsclean.NewscleanError, match="loading rules from"):
        newsclean.Cleaner(rules=str(tmp_path / "nowhere"))
    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "broken.toml").write_text('[[rule]]\nid = "r"\naction = "drop_line"\npattern = "(?=x)"\n')
    with pytest.raises(newsclean.NewscleanError, match="broken.toml"):
        newsclean.Cleaner(rules=str(bad))
    cleaner = newsclean.Cleaner()
    with pytest.raises(TypeError):
        cleaner.clean(5)
    with pytest.raises(newsclean.NewscleanError, match='item 1: no "text"'):
        list(cleaner.clean_many(["fine", {"body": "x"}]))
    with pytest.raises(ValueError, match="mode"):
        newsclean.dedup([], mode="delete")


def test_dedup_finds_the_three_syndicated_pairs_of_the_samples(cleaner):
    records = list(cleaner.clean_many(sample_items()))
    annotated, clusters = newsclean.dedup(records)
    assert [r["id"] for r in annotated] == [r["id"] for r in records]
    syndicated = [c for c in clusters if c.get("kind") == "syndicated"]
    assert len(syndicated) == 3
    flagged = {(r["id"], p["cluster"]) for r in annotated for p in r["paragraphs"]
               if p.get("kind") == "syndicated"}
    assert len(flagged) == 6


@pytest.mark.skipif("NEWSCLEAN_BIN" not in os.environ, reason="set NEWSCLEAN_BIN to the CLI")
def test_records_and_clusters_match_the_command_line(cleaner):
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in.jsonl"
        inputs.write_text("".join(json.dumps(i) + "\n" for i in sample_items()))
        out = Path(tmp) / "out"
        subprocess.run([os.environ["NEWSCLEAN_BIN"], "run", str(inputs), "--out", str(out), "-q"],
                       check=True)
        cli = [json.loads(l) for l in (out / "documents.jsonl").read_text().splitlines()]
        cli_clusters = [json.loads(l) for l in (out / "duplicates.jsonl").read_text().splitlines()]
    annotated, clusters = newsclean.dedup(cleaner.clean_many(sample_items()))
    for mine, theirs in zip(annotated, cli, strict=True):
        mine.pop("source"), theirs.pop("source")
        assert mine == theirs
    assert clusters == cli_clusters


def test_verify_pairs_decides_as_the_detector_and_checks_its_input():
    from newsclean._native import dedup_config_json, verify_pairs

    def words(*hashes):
        return b"".join(h.to_bytes(8, "little") for h in hashes), bytes(len(hashes))

    same, flags = words(*range(1, 13))
    other, other_flags = words(*range(100, 112))
    kinds, similarities = verify_pairs([same, same], [flags, flags], [same, other], [flags, other_flags])
    assert (list(kinds), similarities) == ([1, 0], [1.0, 0.0])
    # A stricter threshold is the caller's (the job's _config.json) to give.
    assert json.loads(dedup_config_json('{"copy_threshold": 0.9}'))["copy_threshold"] == 0.9
    with pytest.raises(newsclean.NewscleanError, match="copy_threshold"):
        dedup_config_json('{"copy_threshold": 2}')
    with pytest.raises(ValueError, match="8 bytes a word"):
        verify_pairs([same], [flags[:-1]], [same], [flags])
    with pytest.raises(ValueError, match="differ in length"):
        verify_pairs([same], [flags], [], [])
