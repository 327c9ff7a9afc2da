"""A datatrove pipeline with newsclean: JSONL pages in, cleaned documents with newsclean's
metadata and syndication clusters out.

    pip install ./python datatrove
    python examples/datatrove_pipeline.py INPUT_DIR OUTPUT_DIR

INPUT_DIR holds *.jsonl (or .jsonl.gz) records with "text", "id" and optionally "url";
OUTPUT_DIR gets datatrove's JSONL output (00000.jsonl.gz) and its logs.
"""

import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from newsclean.datatrove import NewscleanCleaner, NewscleanSyndication


def pipeline(input_dir: str, output_dir: str):
    return [
        JsonlReader(input_dir, glob_pattern="*.jsonl*"),
        NewscleanCleaner(),
        NewscleanSyndication(),
        JsonlWriter(output_dir),
    ]


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    input_dir, output_dir = sys.argv[1], sys.argv[2]
    executor = LocalPipelineExecutor(
        pipeline=pipeline(input_dir, output_dir),
        tasks=1,
        logging_dir=f"{output_dir}/logs",
    )
    executor.run()


if __name__ == "__main__":
    main()
