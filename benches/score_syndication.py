#!/usr/bin/env python3
"""Scores `newsclean run` near-duplicate output against gen_corpus ground truth.

    python3 benches/score_syndication.py CORPUS.jsonl CORPUS.jsonl.truth.jsonl RUN_OUT_DIR

The truth file lists every paragraph gen_corpus copied from a wire story (id, byte
offset and length in the record's text, story, paragraph, edits). A copied paragraph
counts as *findable* when its (story, paragraph) was copied into at least two
documents of the corpus. Recall: findable copies that appear as members of a cluster
of kind "syndicated" in OUT/duplicates.jsonl (matched by document id and
whitespace-normalised text). Precision: members of "syndicated" clusters that are
wire copies. Standard library only.
"""
import collections
import json
import re
import sys


def norm(text):
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def main():
    corpus, truth_path, out = sys.argv[1:4]
    truth = collections.defaultdict(list)
    copies = collections.Counter()
    for line in open(truth_path, encoding="utf-8"):
        t = json.loads(line)
        truth[t["id"]].append(t)
        copies[(t["story"], t["para"])] += 1
    wire = {}  # (doc, normalised text) -> (story, para)
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["id"] not in truth:
                continue
            raw = rec["text"].encode("utf-8")
            for t in truth[rec["id"]]:
                text = raw[t["offset"]:t["offset"] + t["len"]].decode("utf-8")
                wire[(rec["id"], norm(text))] = (t["story"], t["para"])
    members = collections.defaultdict(set)  # kind -> {(doc, text)}
    for line in open(f"{out}/duplicates.jsonl", encoding="utf-8"):
        c = json.loads(line)
        if c.get("level") != "paragraph":
            continue
        for m in c["members"]:
            members[c["kind"]].add((m["doc"], norm(m["text"])))
    findable = {k for k, v in wire.items() if copies[v] >= 2}
    synd = members.get("syndicated", set())
    found = findable & synd
    print(f"wire copies in corpus: {len(wire)}, findable (copied into >= 2 documents): {len(findable)}")
    print(f"recall (findable copies in 'syndicated' clusters): {len(found)}/{len(findable)} = "
          f"{len(found) / max(1, len(findable)):.3f}")
    print(f"precision ('syndicated' members that are wire copies): {len(synd & set(wire))}/{len(synd)} = "
          f"{len(synd & set(wire)) / max(1, len(synd)):.3f}")
    for kind, ms in sorted(members.items()):
        print(f"  kind {kind:13s}: {len(ms):6d} members, {len(ms & set(wire)):6d} of them wire copies")
    missed = collections.Counter()
    for k in findable - synd:
        for kind, ms in members.items():
            if k in ms:
                missed[kind] += 1
                break
        else:
            missed["(not in any cluster)"] += 1
    print("missed findable copies by where they went:", dict(missed))


if __name__ == "__main__":
    main()
