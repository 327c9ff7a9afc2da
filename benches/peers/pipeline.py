#!/usr/bin/env python3
"""Python reference pipeline for the newsclean peer comparison.

Cleans every document with jusText (English stoplist) and flags near-duplicate
paragraphs across documents with datasketch MinHash + MinHashLSH (a paragraph is
flagged when it matches an earlier paragraph of another document; only group
representatives are indexed), writing cleaned documents and the flagged
paragraphs to an output directory, like `newsclean run INPUT --out DIR`.

Input: `.jsonl` files ({"id","url","text"} per line) and/or directories of `.txt`
files. Plain text is given to jusText as HTML with one <p> per non-blank line,
which is how a scrape dump's lines map to blocks.

Prints one JSON summary line on stdout (also written to OUT/summary.json): docs, bytes, paragraphs kept, pairs
found and the seconds spent in each phase.
"""
import argparse
import html
import json
import os
import re
import sys
import time

import justext
from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def documents(inputs):
    for path in inputs:
        if os.path.isdir(path):
            for root, _, files in os.walk(path):
                for name in sorted(files):
                    if name.endswith(".txt"):
                        p = os.path.join(root, name)
                        with open(p, encoding="utf-8") as f:
                            yield p, f.read()
        elif path.endswith(".jsonl"):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    rec = json.loads(line)
                    yield rec["id"], rec["text"]
        else:
            with open(path, encoding="utf-8") as f:
                yield path, f.read()


def to_html(text):
    blocks = "".join("<p>%s</p>\n" % html.escape(l) for l in text.splitlines() if l.strip())
    return "<html><body>\n%s</body></html>" % blocks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.7, help="MinHashLSH Jaccard threshold")
    ap.add_argument("--shingle", type=int, default=5, help="word n-gram size")
    ap.add_argument("--min-words", type=int, default=10, help="skip shorter paragraphs for dedup")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    stoplist = justext.get_stoplist("English")
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    t_clean = t_hash = t_lsh = 0.0
    docs = nbytes = kept = hashed = pairs = 0
    started = time.perf_counter()
    with open(os.path.join(args.out, "clean.jsonl"), "w", encoding="utf-8") as out, \
            open(os.path.join(args.out, "duplicates.jsonl"), "w", encoding="utf-8") as dups:
        for doc_id, text in documents(args.inputs):
            docs += 1
            nbytes += len(text.encode("utf-8"))
            t0 = time.perf_counter()
            paras = [p.text for p in justext.justext(to_html(text).encode("utf-8"), stoplist,
                                                     encoding="utf-8") if not p.is_boilerplate]
            t1 = time.perf_counter()
            t_clean += t1 - t0
            kept += len(paras)
            out.write(json.dumps({"id": doc_id, "text": "\n\n".join(paras)}, ensure_ascii=False) + "\n")
            for k, para in enumerate(paras):
                words = WORD.findall(para.lower())
                if len(words) < args.min_words:
                    continue
                t2 = time.perf_counter()
                n = args.shingle
                shingles = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
                m = MinHash(num_perm=args.num_perm)
                m.update_batch(list(shingles))
                t3 = time.perf_counter()
                key = "%s#%d" % (doc_id, k)
                # Only the first paragraph of each near-duplicate group is indexed, so
                # buckets stay small and a paragraph repeated in thousands of documents
                # costs one lookup each, not a quadratic number of pairs.
                found = lsh.query(m)
                cross = [c for c in found if c.rsplit("#", 1)[0] != doc_id]
                if cross:
                    pairs += 1
                    dups.write(json.dumps({"paragraph": key, "copy_of": min(cross)}) + "\n")
                if not found:
                    lsh.insert(key, m)
                t_hash += t3 - t2
                t_lsh += time.perf_counter() - t3
                hashed += 1
    total = time.perf_counter() - started
    summary = {
        "docs": docs, "bytes": nbytes, "paragraphs_kept": kept, "paragraphs_hashed": hashed,
        "paragraphs_flagged": pairs, "seconds_total": round(total, 3), "seconds_justext": round(t_clean, 3),
        "seconds_minhash": round(t_hash, 3), "seconds_lsh": round(t_lsh, 3),
        "num_perm": args.num_perm, "threshold": args.threshold, "shingle": args.shingle,
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f)
    json.dump(summary, sys.stdout)
    print()


if __name__ == "__main__":
    main()
