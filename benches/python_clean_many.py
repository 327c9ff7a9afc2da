"""Cleaner.clean_many against the CLI on the same input, side by side (issue 17: within 1.2x).

    python benches/python_clean_many.py NEWSCLEAN_BIN PAGES.jsonl [--repeat 50] [--runs 3]

PAGES.jsonl is repeated --repeat times into a temporary file (ids made unique). The CLI runs
`clean FILE --out - -q` to /dev/null; Python reads the same file's records and consumes
`Cleaner().clean_many(records)` (record dicts built, as a user gets them). Both use every core.
The runs alternate (CLI, Python, CLI, Python, ...) and the best of each is kept, since this
machine is noisy. Reading the JSONL in Python is timed apart and not counted: the CLI reads its
file too, but a Python pipeline has its documents already.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import newsclean


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("pages")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    lines = Path(args.pages).read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "pages.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for k in range(args.repeat):
                for line in lines:
                    record = json.loads(line)
                    record["id"] = f"{record['id']}-{k}"
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        items = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
        read = time.perf_counter() - started
        cleaner = newsclean.Cleaner()
        cli, py = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(
                [args.bin, "clean", str(corpus), "--out", "-", "-q"],
                stdout=subprocess.DEVNULL,
                check=True,
            )
            cli.append(time.perf_counter() - started)
            started = time.perf_counter()
            records = sum(1 for _ in cleaner.clean_many(items))
            py.append(time.perf_counter() - started)
            assert records == len(items), (records, len(items))
        size = corpus.stat().st_size / 1e6
        print(f"{len(items)} documents, {size:.1f} MB; Python's json.loads of them {read:.2f} s (not counted)")
        print(f"CLI clean --out -      best {min(cli):.2f} s  (runs {', '.join(f'{t:.2f}' for t in cli)})")
        print(f"Cleaner.clean_many     best {min(py):.2f} s  (runs {', '.join(f'{t:.2f}' for t in py)})")
        print(f"ratio clean_many / CLI {min(py) / min(cli):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
