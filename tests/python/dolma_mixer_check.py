#!/usr/bin/env python3
"""Check newsclean's `--format dolma` output with the real Dolma mixer.

    python tests/python/dolma_mixer_check.py DOLMA_OUT_DIR CLEANED_JSONL [--min-score X] [--keep DIR]

DOLMA_OUT_DIR is what `newsclean ... --format dolma --out DOLMA_OUT_DIR` wrote; CLEANED_JSONL is
newsclean's own JSONL output of the same input (`documents.jsonl`: one record per line with `id`
and `text`). The script runs Dolma's mixer on DOLMA_OUT_DIR with one `span_replacement` (empty
replacement) per removal attribute and checks, for every document id, that the words
(`str.split()`) of the mixed text equal the words of the cleaned `text` with the same id. It
prints every mismatch (the first differing words) and exits 1 on any mismatch, missing document
or broken input; otherwise its last line is `N passed, 0 failed` and it exits 0.

Needs the `dolma` package (tests/python/requirements-dolma.txt): run it with the Python of a venv
that has dolma, or put a `dolma` executable on PATH, or set DOLMA_CLI to one.
Under pytest (`pytest tests/python/dolma_mixer_check.py`) it checks itself on generated fixtures,
and checks a real output when NEWSCLEAN_DOLMA_OUT and NEWSCLEAN_CLEANED_JSONL are set.

The layout and naming this checks (src/output/dolma.rs writes it):

    DOLMA_OUT_DIR/documents/part-00000.jsonl.gz            {"id", "text": ORIGINAL text, ...}
    DOLMA_OUT_DIR/attributes/newsclean/part-00000.jsonl.gz {"id", "attributes": {name: [[s, e, v]]}}

- Every attribute file has the path of its documents file with `documents/` replaced by
  `attributes/newsclean/`, the same compression (the mixer goes by the file extension), and the
  same rows in the same order with the same `id` (same JSON type too); every row has an
  `attributes` object (`{}` when there is nothing to say).
- Attribute names use only `[A-Za-z0-9_]`: the mixer's JSONPath `$.attributes.NAME` fails to
  parse on `:`, space, `$`, `@`, `+`, `~`, non-ASCII, and reads `.` as a nested key.
- `newsclean__removed__<reason>`: the removals of one reason (rule id or `classifier:...`, every
  character outside `[A-Za-z0-9_]` made `_`: `generic:share-buttons` is
  `newsclean__removed__generic_share_buttons`). These are the removal attributes: every name
  starting with `newsclean__removed__` gets a span_replacement.
- `newsclean__removed`: the aggregate, every removal span. Checked on its own in a second mixer
  stream, and its coverage must equal the union of the per-reason spans.
- Any other name (`newsclean__syndicated`, `newsclean__syndicated__similarity`, ...) is
  information, not a removal, and is not applied.
- A span is `[start, end, value]`: start and end JSON integers (not `2.0`), Unicode code points of
  the original `text` (Python str indices), 0 <= start < end <= len(text); the value a number,
  1 for a removal (the mixer replaces a span when value >= min_score; default here 1.0).
- The removal spans of one document, over all removal attributes together, are disjoint
  (touching is fine). The mixer does not take the union of overlapping spans: of two spans that
  overlap, the later-starting one's part past the earlier one's end survives, and of two with the
  same start the one listed first wins. An empty span (start == end) makes it delete one
  character and ignore every later span of the document. So the check refuses them.
"""

from __future__ import annotations

import argparse
import difflib
import glob
import gzip
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

REMOVAL_PREFIX = "newsclean__removed__"
AGGREGATE = "newsclean__removed"
ATTRIBUTE_SET = "newsclean"
NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
# Files of documents/ the mixer reads (it picks the decompressor from the extension).
DOC_SUFFIXES = (".jsonl.gz", ".json.gz", ".jsonl.zst", ".json.zst", ".jsonl", ".json")
CONTEXT_WORDS = 6


# --------------------------------------------------------------------------- reading


def open_text(path: Path):
    """Opens `path` by its content (gzip, zstd or plain): compression_problem() tells whether
    the mixer, which goes by the extension, would read it."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    if head == b"\x28\xb5\x2f\xfd":
        import io

        import zstandard  # a dependency of dolma

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(open(path, "rb")), encoding="utf-8")
    return open(path, "rt", encoding="utf-8")


def compression_problem(path: Path) -> Optional[str]:
    """Whether `path`'s content is compressed as its extension says (the mixer silently skips
    an attribute file it cannot decompress)."""
    with open(path, "rb") as f:
        head = f.read(4)
    is_gz, is_zst = head[:2] == b"\x1f\x8b", head == b"\x28\xb5\x2f\xfd"
    if path.name.endswith(".gz") and not is_gz and head:
        return f"{path}: named .gz but not gzip"
    if path.name.endswith(".zst") and not is_zst and head:
        return f"{path}: named .zst but not zstd"
    if not path.name.endswith((".gz", ".zst")) and (is_gz or is_zst):
        return f"{path}: compressed but its name has no .gz/.zst"
    return None


def read_jsonl(path: Path, problems: Optional[List[str]] = None) -> List[Tuple[int, Any]]:
    """The rows of a JSONL file with their line numbers. A broken file is a problem (appended to
    `problems`, or raised without it); the rows before the break are returned."""
    rows: List[Tuple[int, Any]] = []
    n = 0
    try:
        with open_text(path) as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    rows.append((n, json.loads(line)))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as e:
        if problems is None:
            raise
        problems.append(f"{path}:{n + 1}: cannot read: {e}")
    return rows


def id_key(value: Any) -> str:
    """A document id as a dict key: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


# --------------------------------------------------------------------------- checking


@dataclass
class Doc:
    key: str
    text: str
    where: str
    problems: List[str] = field(default_factory=list)


@dataclass
class Input:
    documents: List[Path]  # relative to documents/
    docs: Dict[str, Doc]
    removal_names: List[str]
    has_aggregate: bool
    problems: List[str]  # not tied to one document


def merged(spans: Iterable[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """The union of `spans` as sorted, disjoint, non-touching ranges."""
    out: List[Tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def check_spans(name: str, spans: Any, text_len: int, min_score: float) -> Tuple[List[Tuple[int, int]], List[str]]:
    """The valid spans of attribute `name`, and what is wrong with the others."""
    problems, good = [], []
    if spans is None:
        return good, problems
    if not isinstance(spans, list):
        return good, [f"{name}: not a list of spans: {spans!r}"]
    for sp in spans:
        ok = (
            isinstance(sp, list)
            and len(sp) >= 3
            and all(type(x) is int for x in sp[:2])
            and isinstance(sp[2], (int, float))
            and not isinstance(sp[2], bool)
        )
        if not ok:
            problems.append(f"{name}: span {sp!r} is not [int, int, number] (the mixer panics on it)")
            continue
        s, e, v = sp[0], sp[1], sp[2]
        if not (0 <= s < e <= text_len):
            problems.append(f"{name}: span {sp!r} is not 0 <= start < end <= {text_len} (len(text))")
            continue
        if v < min_score:
            problems.append(f"{name}: span {sp!r} has value {v} < min_score {min_score}: the mixer keeps it")
            continue
        good.append((s, e))
    return good, problems


def load_input(root: Path, min_score: float) -> Input:
    problems: List[str] = []
    docs: Dict[str, Doc] = {}
    removal_names: set = set()
    has_aggregate = False
    doc_dir, attr_dir = root / "documents", root / "attributes" / ATTRIBUTE_SET
    documents = sorted(
        p.relative_to(doc_dir) for p in doc_dir.rglob("*") if p.is_file() and p.name.endswith(DOC_SUFFIXES)
    )
    if not documents:
        problems.append(f"no document files (*{', *'.join(DOC_SUFFIXES)}) under {doc_dir}")
    for rel in documents:
        doc_path, attr_path = doc_dir / rel, attr_dir / rel
        for p in (doc_path, attr_path):
            if p.exists() and (c := compression_problem(p)):
                problems.append(c)
        if not attr_path.exists():
            problems.append(f"{attr_path}: missing (the mixer would silently apply no attribute)")
        rows = read_jsonl(doc_path, problems)
        attr_rows = read_jsonl(attr_path, problems) if attr_path.exists() else []
        if attr_path.exists() and len(attr_rows) != len(rows):
            problems.append(
                f"{attr_path}: {len(attr_rows)} rows for {len(rows)} documents "
                "(the mixer silently skips the attributes of the rows past the shorter file)"
            )
        for i, (line, row) in enumerate(rows):
            where = f"{doc_path}:{line}"
            text = row.get("text")
            key = id_key(row.get("id"))
            doc = Doc(key, text if isinstance(text, str) else "", where)
            if "id" not in row:
                doc.problems.append("document row has no id")
            if not isinstance(text, str):
                doc.problems.append("document row has no string text")
            if key in docs:
                problems.append(f"{where}: id {key!r} again (first at {docs[key].where})")
                continue
            docs[key] = doc
            if i >= len(attr_rows):
                continue
            aline, arow = attr_rows[i]
            if arow.get("id", None) != row.get("id", None) or type(arow.get("id")) is not type(row.get("id")):
                doc.problems.append(
                    f"attribute row {attr_path.name}:{aline} has id {arow.get('id')!r}, "
                    f"the document {row.get('id')!r} (the mixer stops with 'Mismatched ids')"
                )
                continue
            attrs = arow.get("attributes")
            if not isinstance(attrs, dict):
                doc.problems.append(f"attribute row {attr_path.name}:{aline} has no attributes object")
                continue
            per_reason: List[Tuple[int, int]] = []
            aggregate: List[Tuple[int, int]] = []
            for name, spans in attrs.items():
                if not NAME_RE.match(name):
                    doc.problems.append(f"attribute name {name!r} has characters outside [A-Za-z0-9_]")
                if name.startswith(REMOVAL_PREFIX):
                    removal_names.add(name)
                    good, bad = check_spans(name, spans, len(doc.text), min_score)
                    per_reason += good
                    doc.problems += bad
                elif name == AGGREGATE:
                    has_aggregate = True
                    good, bad = check_spans(name, spans, len(doc.text), min_score)
                    aggregate += good
                    doc.problems += bad
                    for (s1, e1), (s2, e2) in zip(sorted(good), sorted(good)[1:]):
                        if s2 < e1:
                            doc.problems.append(f"{AGGREGATE}: spans [{s1}, {e1}) and [{s2}, {e2}) overlap")
            ordered = sorted(per_reason)
            for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
                if s2 < e1:
                    doc.problems.append(
                        f"removal spans [{s1}, {e1}) and [{s2}, {e2}) overlap (the mixer does not merge them)"
                    )
            if AGGREGATE in attrs and merged(aggregate) != merged(per_reason):
                doc.problems.append(
                    f"{AGGREGATE} covers {merged(aggregate)}, the per-reason attributes {merged(per_reason)}"
                )
    return Input(documents, docs, sorted(removal_names), has_aggregate, problems)


# --------------------------------------------------------------------------- the mixer


def dolma_command() -> Optional[List[str]]:
    if os.environ.get("DOLMA_CLI"):
        return [os.environ["DOLMA_CLI"]]
    if importlib.util.find_spec("dolma") is not None:
        return [sys.executable, "-m", "dolma.cli"]
    exe = shutil.which("dolma")
    return [exe] if exe else None


def stream(name: str, documents: List[str], out: Path, span_names: List[str], min_score: float) -> Dict[str, Any]:
    if not span_names:
        # The mixer wants a span_replacement or a filter; this one matches nothing.
        span_names = ["newsclean_check_no_removal_attributes"]
    return {
        "name": name,
        "documents": documents,
        "attributes": [ATTRIBUTE_SET],
        "output": {"path": str(out), "max_size_in_bytes": 1 << 40},
        "span_replacement": [{"span": f"$.attributes.{n}", "min_score": min_score, "replacement": ""} for n in span_names],
    }


def run_mixer(root: Path, inp: Input, work: Path, min_score: float) -> Tuple[Dict[str, Dict[str, str]], List[str]]:
    """Runs the mixer; returns {stream: {id: mixed text}} and the problems it showed."""
    cmd = dolma_command()
    if cmd is None:
        return {"per_reason": {}}, ["dolma not found: pip install -r tests/python/requirements-dolma.txt, or set DOLMA_CLI"]
    # The mixer derives an attribute path by replacing EVERY "/documents/" of the document path,
    # and its paths are glob patterns: reach DOLMA_OUT_DIR through a link whose path has neither.
    link = work / "input"
    link.symlink_to(root.resolve(), target_is_directory=True)
    documents = [glob.escape(str(link / "documents" / rel)) for rel in inp.documents]
    outs = {"per_reason": work / "mixed" / "per_reason"}
    streams = [stream("per_reason", documents, outs["per_reason"], inp.removal_names, min_score)]
    if inp.has_aggregate:
        outs["aggregate"] = work / "mixed" / "aggregate"
        streams.append(stream("aggregate", documents, outs["aggregate"], [AGGREGATE], min_score))
    config = {"streams": streams, "processes": 1}
    (work / "mixer.json").write_text(json.dumps(config, indent=1))  # YAML is a superset of JSON
    log = work / "mixer.log"
    with open(log, "w") as f:
        proc = subprocess.run(cmd + ["-c", str(work / "mixer.json"), "mix"], stdout=f, stderr=subprocess.STDOUT)
    lines = log.read_text(errors="replace").splitlines()
    problems = []
    if proc.returncode != 0:
        problems.append(f"the mixer exited {proc.returncode}; its log ends:\n  " + "\n  ".join(lines[-15:]))
    # It exits 0 after a panic (a shard then has only its .tmp) and only warns about attributes
    # it could not read.
    for line in lines:
        if "panicked at" in line or re.search(r"\b(WARN|ERROR)\s+dolma", line):
            problems.append("mixer: " + line.strip())
    mixed: Dict[str, Dict[str, str]] = {}
    for name, out in outs.items():
        mixed[name] = {}
        for p in sorted(out.glob("*")) if out.exists() else []:
            if p.name.endswith(".tmp"):
                problems.append(f"mixer: unfinished output {p.name} (a shard failed)")
                continue
            for _, row in read_jsonl(p, problems):
                mixed[name][id_key(row.get("id"))] = row.get("text", "")
    return mixed, problems


# --------------------------------------------------------------------------- comparing


def word_diff(got: List[str], want: List[str]) -> str:
    """Where the words of `got` (mixed) and `want` (cleaned) first differ, and the words from
    there on in both."""
    for tag, i1, _, j1, _ in difflib.SequenceMatcher(a=got, b=want, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(got[max(0, i1 - CONTEXT_WORDS) : i1])
        n = 2 * CONTEXT_WORDS
        show = lambda words, i: " ".join(words[i : i + n]) + (" …" if len(words) > i + n else "") or "(end of text)"
        return (
            f"words differ at word {i1} of {len(got)} (mixed), {j1} of {len(want)} (cleaned), after "
            f"{'…' if i1 > CONTEXT_WORDS else ''}{before!r}:\n"
            f"      mixed:   {show(got, i1)}\n"
            f"      cleaned: {show(want, j1)}"
        )
    return "no difference"


def load_cleaned(path: Path) -> Tuple[Dict[str, str], List[str]]:
    cleaned: Dict[str, str] = {}
    problems = []
    for line, row in read_jsonl(path, problems):
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            problems.append(f"{path}:{line}: no id or no string text")
            continue
        key = id_key(row["id"])
        if key in cleaned:
            problems.append(f"{path}:{line}: id {key!r} again")
        cleaned[key] = row["text"]
    return cleaned, problems


def check(root: Path, cleaned_path: Path, min_score: float = 1.0, keep: Optional[Path] = None, out=sys.stdout) -> int:
    """Checks; prints; returns the exit code."""

    def say(*a):
        print(*a, file=out, flush=True)

    inp = load_input(root, min_score)
    cleaned, cleaned_problems = load_cleaned(cleaned_path)
    work = Path(tempfile.mkdtemp(prefix="dolma-check-"))
    try:
        mixed, mixer_problems = run_mixer(root, inp, work, min_score) if inp.documents else ({}, [])
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(work, keep, symlinks=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    general = inp.problems + cleaned_problems + mixer_problems
    say(
        f"dolma: {len(inp.docs)} documents in {len(inp.documents)} files; removal attributes: "
        f"{', '.join(inp.removal_names) or '(none)'}; aggregate {AGGREGATE}: {'yes' if inp.has_aggregate else 'no'}"
    )
    for p in general:
        say(f"PROBLEM {p}")
    passed = failed = 0
    for key, doc in inp.docs.items():
        reasons = list(doc.problems)
        if key not in cleaned:
            reasons.append(f"not in {cleaned_path.name}")
        for name, texts in mixed.items():
            if key not in texts:
                reasons.append(f"missing from the mixer's output ({name})")
            elif key in cleaned:
                got, want = texts[key].split(), cleaned[key].split()
                if got != want:
                    reasons.append(f"{name}: {word_diff(got, want)}")
        if reasons:
            failed += 1
            say(f"FAIL {key} ({doc.where})")
            for r in reasons:
                say(f"    {r}")
        else:
            passed += 1
    for key in cleaned:
        if key not in inp.docs:
            failed += 1
            say(f"FAIL {key}: in {cleaned_path.name}, missing from {root}/documents")
    if general:
        # The PROBLEMs above make the output as a whole fail, whatever its documents did.
        failed += 1
        say(f"FAIL {root} as a whole: {len(general)} problem(s), PROBLEM lines above")
    say(f"{passed} passed, {failed} failed")
    return 1 if failed or general else 0


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dolma_out_dir", type=Path)
    ap.add_argument("cleaned_jsonl", type=Path)
    ap.add_argument("--min-score", type=float, default=1.0, help="span_replacement min_score (default 1.0)")
    ap.add_argument("--keep", type=Path, help="copy the mixer's config, log and output here")
    a = ap.parse_args(argv)
    for p in (a.dolma_out_dir, a.cleaned_jsonl):
        if not p.exists():
            print(f"dolma_mixer_check: {p}: not found", file=sys.stderr)
            return 2
    return check(a.dolma_out_dir, a.cleaned_jsonl, a.min_score, a.keep)


# --------------------------------------------------------------------------- under pytest

FIXTURE_TEXT = "Share on Facebook\nCafé — “quoted” 😀 text, naïve façade.\nREAD ALSO: Something else\nEnd 🇰🇷 here."


def write_fixture(d: Path, variant: str = "pass") -> Tuple[Path, Path]:
    """A small Dolma dir and cleaned JSONL; `variant` "pass", or "wrong-span" (one span one code
    point short, as byte-or-UTF-16 confusion would make it), or "missing" (a cleaned record with
    no document)."""
    t = FIXTURE_TEXT
    share = (0, t.index("\n"))
    read_also = (t.index("READ ALSO"), t.index("\nEnd"))
    if variant == "wrong-span":
        read_also = (read_also[0], read_also[1] - 1)
    docs = [
        {"id": "a1", "text": t, "source": "newsclean", "added": "2026-12-07T00:00:00Z", "metadata": {"site": None}},
        {"id": "a2", "text": "Nothing removed — ünïcode only.", "source": "newsclean", "added": "2026-12-07T00:00:00Z"},
    ]
    attrs = [
        {
            "id": "a1",
            "attributes": {
                "newsclean__removed": [[*share, 1], [*read_also, 1]],
                "newsclean__removed__generic_share_buttons": [[*share, 1.0]],
                "newsclean__removed__generic_read_also": [[*read_also, 1.0]],
            },
        },
        {"id": "a2", "attributes": {}},
    ]
    cleaned = [
        {"id": "a1", "text": "Café — “quoted” 😀 text, naïve façade.\n\nEnd 🇰🇷 here."},
        {"id": "a2", "text": "Nothing removed — ünïcode only."},
    ]
    if variant == "missing":
        cleaned.append({"id": "a3", "text": "no such document"})
    for sub, rows in (("documents", docs), (f"attributes/{ATTRIBUTE_SET}", attrs)):
        (d / sub).mkdir(parents=True, exist_ok=True)
        with gzip.open(d / sub / "part-00000.jsonl.gz", "wt", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (d / "cleaned.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in cleaned), encoding="utf-8")
    return d, d / "cleaned.jsonl"


def _needs_dolma():
    import pytest

    if dolma_command() is None:
        pytest.skip("dolma is not installed (tests/python/requirements-dolma.txt)")


def test_fixture_passes(tmp_path):
    _needs_dolma()
    import io

    buf = io.StringIO()
    assert check(*write_fixture(tmp_path / "dolma"), out=buf) == 0, buf.getvalue()
    assert buf.getvalue().splitlines()[-1] == "2 passed, 0 failed"


def test_fixture_fails(tmp_path):
    _needs_dolma()
    import io

    for variant in ("wrong-span", "missing"):
        buf = io.StringIO()
        assert check(*write_fixture(tmp_path / variant, variant), out=buf) == 1, buf.getvalue()
        assert buf.getvalue().splitlines()[-1].endswith("1 failed"), buf.getvalue()


def test_newsclean_output():
    """The real thing, when given: NEWSCLEAN_DOLMA_OUT and NEWSCLEAN_CLEANED_JSONL."""
    import pytest

    d, c = os.environ.get("NEWSCLEAN_DOLMA_OUT"), os.environ.get("NEWSCLEAN_CLEANED_JSONL")
    if not (d and c):
        pytest.skip("set NEWSCLEAN_DOLMA_OUT and NEWSCLEAN_CLEANED_JSONL")
    _needs_dolma()
    assert check(Path(d), Path(c)) == 0


if __name__ == "__main__":
    sys.exit(main())
