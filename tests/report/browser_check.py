#!/usr/bin/env python3
"""Opens a run's report.html in headless Chromium and checks, through the DOM the browser built
(after the page's script ran), that it shows what the run's files say.

    browser_check.py OUT_DIR [--screenshot PNG [--fragment '#site=scmp&kind=shared-quote']]

Expected values are computed here from OUT_DIR's documents.jsonl, duplicates.jsonl and
run.json, never written in: the summary figures, every syndicated cluster with its members,
and removals struck through whose text is the input sliced by the removal's span (the input
read from the record's `source`, relative to run.json's working_dir). Then the page is opened
again with a filter in its URL (#site=...&kind=syndicated) and the script must have hidden
exactly the documents and clusters the filter excludes. Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find_all(self, tag=None, **attrs):
        for n in self.walk():
            if (tag is None or n.tag == tag) and all(
                (n.attrs.get(k.replace("_", "-")) == v if v is not True else k.replace("_", "-") in n.attrs)
                for k, v in attrs.items()
            ):
                yield n

    def has_class(self, name):
        return name in (self.attrs.get("class") or "").split()

    def hidden(self):
        n = self
        while n is not None:
            if "hidden" in n.attrs:
                return True
            n = n.parent
        return False


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.at = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Node(tag, attrs, self.at))

    def handle_endtag(self, tag):
        n = self.at
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.at = n.parent

    def handle_data(self, data):
        self.at.children.append(data)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("browser_check: no chromium on PATH (apt-get install -y chromium)")


def browser_args(profile):
    args = [chromium(), "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            f"--user-data-dir={profile}", "--virtual-time-budget=10000"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox.
    return args


def dump_dom(url, profile):
    out = subprocess.run(browser_args(profile) + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "<body" not in out.stdout:
        sys.exit(f"browser_check: chromium failed ({out.returncode}): {out.stderr[-2000:]}")
    tree = Tree()
    tree.feed(out.stdout)
    return tree.root


def text_field(command):
    """The JSONL text field the run read (--text-field), as the report itself finds it."""
    for i, arg in enumerate(command):
        if arg == "--text-field" and i + 1 < len(command):
            return command[i + 1]
        if arg.startswith("--text-field="):
            return arg.split("=", 1)[1]
    return "text"


def read_original(base, source, field):
    """A record's input text: a whole .txt file, or line N of a JSONL file (`path:N`)."""
    path = base / source
    if path.is_file():
        return path.read_text(encoding="utf-8")
    name, _, line = source.rpartition(":")
    path = base / name
    if not line.isdigit() or not path.is_file():
        return None
    with open(path, encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            if n == int(line):
                value = json.loads(text)
                for part in field.split("."):
                    value = value[part]
                return value
    return None


def number(text):
    return int(text.replace("\u2009", "").replace(",", "").strip())


def fail(problems):
    for p in problems[:20]:
        print(f"browser_check: FAIL: {p}", file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    shot, fragment = None, ""
    if "--fragment" in args:
        i = args.index("--fragment")
        fragment = args[i + 1]
        del args[i:i + 2]
    if "--screenshot" in args:
        i = args.index("--screenshot")
        shot = Path(args[i + 1]).resolve()
        del args[i:i + 2]
    out = Path(args[0]).resolve()
    records = [json.loads(l) for l in open(out / "documents.jsonl", encoding="utf-8") if l.strip()]
    clusters = [json.loads(l) for l in open(out / "duplicates.jsonl", encoding="utf-8") if l.strip()]
    run = json.load(open(out / "run.json", encoding="utf-8"))
    by_id = {r["id"]: r for r in records}
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: page says {got!r:.300}, the run's files {want!r:.300}")

    url = (out / "report.html").as_uri()
    with tempfile.TemporaryDirectory() as profile:
        dom = dump_dom(url, profile)
        body = next(dom.find_all("body"))
        expect("script ran (body data-ready)", body.attrs.get("data-ready"), "yes")

        # The summary figures.
        figures = {n.attrs["data-figure"]: n.text() for n in dom.find_all("dd", data_figure=True)}
        kinds = {}
        for c in clusters:
            if c.get("level") == "paragraph":
                kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
        want = {
            "documents-read": run["documents_read"],
            "documents-written": len(records),
            "documents-failed": run["documents_failed"],
            "sites": len({r["site"] for r in records}),
            "paragraphs-kept": sum(len(r["paragraphs"]) for r in records),
            "removals": sum(len(r["removed"]) for r in records),
            **{f"clusters-{k}": v for k, v in kinds.items()},
        }
        for name, value in want.items():
            if name not in figures:
                problems.append(f"summary figure {name} missing")
            else:
                expect(f"summary {name}", number(figures[name]), value)

        # The syndicated clusters: the first ones of the run, as many as the page says it shows
        # per kind, each with its first members (as many as it says) and their words, shared
        # words marked.
        section = next(dom.find_all("section", id="clusters"))
        per_kind = int(section.attrs["data-clusters-per-kind"])
        per_cluster = int(section.attrs["data-members-per-cluster"])
        syndicated = [c for c in clusters if c.get("level") == "paragraph" and c["kind"] == "syndicated"]
        if not syndicated:
            problems.append("the run has no syndicated cluster to look for")
        shown_ids = [n.attrs.get("id") for n in dom.find_all("article", data_filter="cluster", data_kind="syndicated")]
        expect("syndicated clusters shown", shown_ids, [f"cluster-{c['id']}" for c in syndicated[:per_kind]])
        for c in syndicated[:per_kind]:
            nodes = list(dom.find_all("article", id=f"cluster-{c['id']}"))
            if len(nodes) != 1:
                problems.append(f"syndicated cluster {c['id']}: {len(nodes)} elements")
                continue
            node = nodes[0]
            expect(f"cluster {c['id']} kind", node.attrs.get("data-kind"), "syndicated")
            members = [m.attrs["data-member"] for m in node.find_all("div", data_member=True)]
            want_members = c["members"][:per_cluster]
            expect(f"cluster {c['id']} members", members, [m["doc"] for m in want_members])
            if len(c["members"]) > per_cluster and f"{per_cluster} of {len(c['members'])} members shown" not in node.text():
                problems.append(f"cluster {c['id']}: does not say it shows {per_cluster} of {len(c['members'])} members")
            if not list(node.find_all("mark")):
                problems.append(f"cluster {c['id']}: no shared words marked")
            for m, div in zip(want_members, node.find_all("div", data_member=True)):
                words = " ".join(w.text() for w in div.walk() if w.tag in ("mark", "del", "ins"))
                expect(f"cluster {c['id']} member {m['doc']} words", words, " ".join(m["text"].split()))

        # Removals struck through in the documents' view: each one's text is the input sliced
        # by its span (as far as the view shows the original), and it names its rule.
        base = Path(run.get("working_dir") or ".")
        fields = text_field(run.get("command") or [])
        struck = want_struck = 0
        for doc in dom.find_all("article", data_filter="document"):
            rec = by_id[doc.attrs["data-doc"]]
            original = read_original(base, rec["source"], fields)
            pre = next(doc.find_all("pre"), None)
            if original is None or pre is None or "data-chars" not in pre.attrs:
                continue
            shown = int(pre.attrs["data-chars"])
            want_struck += sum(1 for r in rec["removed"] if r["original"][0] < shown)
            for d in doc.find_all("del"):
                if not d.has_class("rm") or "data-span" not in d.attrs:
                    continue
                start, end = map(int, d.attrs["data-span"].split("-"))
                rules = [r["rule"] for r in rec["removed"] if r["original"] == [start, end]]
                expect(f"{rec['id']} removal [{start}, {end}] rule", [d.attrs.get("data-rule")], rules[:1])
                expect(f"{rec['id']} removal [{start}, {end}] text", d.text(), original[start:min(end, shown)])
                struck += 1
        expect("removals struck through in the documents' view", struck, want_struck)
        if struck == 0:
            problems.append("no struck-through removal found")

        # A filter in the URL: the script hides what it excludes.
        site = syndicated[0]["members"][0]["site"] if syndicated else records[0]["site"]
        shown_members = {m["doc"] for c in syndicated[:per_kind] for m in c["members"][:per_cluster]}
        dom = dump_dom(f"{url}#site={site}&kind=syndicated", profile)
        docs = list(dom.find_all("article", data_filter="document"))
        for doc in docs:
            rec = by_id[doc.attrs["data-doc"]]
            in_cluster = any(p.get("kind") == "syndicated" for p in rec["paragraphs"]) or rec["id"] in shown_members
            visible = rec["site"] == site and in_cluster
            expect(f"filtered: document {rec['id']} visible", not doc.hidden(), visible)
        for node in dom.find_all("article", data_filter="cluster"):
            visible = node.attrs.get("data-kind") == "syndicated" and site in node.attrs.get("data-site", "").split()
            expect(f"filtered: cluster {node.attrs.get('id')} visible", not node.hidden(), visible)
        counter = next((o.text() for o in dom.find_all("output", data_count="document")), "")
        shown = sum(1 for d in docs if not d.hidden())
        expect("filtered: documents counter", counter, f"{shown} of {len(docs)} shown")

    if problems:
        fail(problems)
    if shot:
        with tempfile.TemporaryDirectory() as profile:
            # 0.8 device pixels per CSS pixel keeps a page-long PNG of text under 300 KB.
            subprocess.run(browser_args(profile) + ["--force-device-scale-factor=0.8", "--window-size=1000,2300",
                                                    f"--screenshot={shot}", url + fragment],
                           capture_output=True, timeout=120, check=True)
        print(f"browser_check: screenshot {shot} ({shot.stat().st_size // 1024} KiB)")
    print(f"browser_check: ok: {len(want)} figures, {len(syndicated)} syndicated clusters, "
          f"{struck} struck-through removals, filter #site={site}&kind=syndicated")


if __name__ == "__main__":
    main()
