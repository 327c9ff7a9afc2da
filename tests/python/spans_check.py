"""Checks newsclean's spans from Python, where they are meant to be used: offsets are Unicode
code points, so plain `str` slicing must give the paragraph and the removed text back.

Usage: python tests/python/spans_check.py DOCUMENTS_JSONL [ORIGINALS_JSONL]

For every record of DOCUMENTS_JSONL (newsclean's `--format jsonl` output):
- each paragraph's `span` slices the record's `text` to a non-empty paragraph, the paragraphs
  in order and separated by exactly one blank line;
- the original text (the `.txt` file named by `source`, or the `text` of the record with the
  same `id` in ORIGINALS_JSONL) sliced by each removal's `original` span is the removed text
  (when the record carries it, `--removed-text`),
  by each paragraph's `original` span the paragraph (U+00A0 read as a space) unless an inline
  rewrite cut inside it;
- the original with every removal span cut out holds the same words as `text`.
Prints one line per failure and `N passed, M failed` last; exits 1 on any failure.
"""

import json
import sys


def originals(path):
    texts = {}
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    texts[record["id"]] = record["text"]
    return texts


def check(record, original):
    problems = []
    text = record["text"]
    parts = [text[p["span"][0]:p["span"][1]] for p in record["paragraphs"]]
    if any(not part for part in parts):
        problems.append("an empty paragraph span")
    if "\n\n".join(parts) != text:
        problems.append("paragraph spans do not tile the text")
    if original is None:
        return problems
    cuts = sorted(tuple(r["original"]) for r in record["removed"])
    for r in record["removed"]:
        start, end = r["original"]
        got = original[start:end].replace("\xa0", " ")
        if not got.strip():
            problems.append(f"removal {r['rule']} at {start}:{end} covers no text")
        if "text" in r and got != r["text"]:
            problems.append(f"removal {r['rule']} at {start}:{end}: {got!r} != {r['text']!r}")
    for p, part in zip(record["paragraphs"], parts):
        start, end = p["original"]
        cut_inside = any(start <= s < end for s, _ in cuts)
        got = original[start:end].replace("\xa0", " ")
        if not cut_inside and got != part:
            problems.append(f"paragraph at line {p['line']}: {got[:60]!r} != {part[:60]!r}")
    kept, at = [], 0
    for start, end in cuts:
        if start >= at:
            kept.append(original[at:start])
            at = end
    kept.append(original[at:])
    if "".join(kept).split() != text.split():
        problems.append("the original less its removals is not the cleaned text")
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    given = originals(argv[2] if len(argv) > 2 else None)
    passed = failed = 0
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            original = given.get(record["id"])
            if original is None and record["source"].endswith(".txt"):
                with open(record["source"], encoding="utf-8") as src:
                    original = src.read()
            problems = check(record, original)
            if original is None:
                problems.append("no original text to check against")
            for problem in problems:
                print(f"{record['id']}: {problem}")
            failed += bool(problems)
            passed += not problems
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
