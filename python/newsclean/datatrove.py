"""newsclean as datatrove pipeline steps (``pip install datatrove`` to use them).

``NewscleanCleaner`` cleans each ``Document`` in place: its text becomes the cleaned article,
and ``metadata["newsclean"]`` says what was kept and removed (spans into the new text and the
original, each removal with its rule). ``NewscleanSyndication`` then finds the paragraphs
that several outlets copied from one wire story among the documents of a task, and adds each
paragraph's cluster to that metadata.

    pipeline = [
        JsonlReader("scraped/"),
        NewscleanCleaner(),
        NewscleanSyndication(),
        JsonlWriter("clean/"),
    ]
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Dict, Iterator, List, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

import newsclean

# The record's keys kept in metadata["newsclean"] (the text is the document's own now).
_KEPT = ("site", "site_source", "url", "title", "section", "published", "updated", "author",
         "credits", "platforms", "paragraphs", "removed", "notes")


class NewscleanCleaner(PipelineStep):
    """Cleans each document's text with newsclean's rules and classifier.

    rules: a directory of rule files (default: the built-in rules).
    url_key / site_key: the metadata keys that name the page's URL and site, when present.
    drop_empty: drop documents with nothing left (counted as ``dropped_empty``).
    batch_size / threads: documents cleaned together, in parallel, without the GIL.
    """

    name = "📰 newsclean"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        rules: Optional[str] = None,
        url_key: str = "url",
        site_key: str = "site",
        drop_empty: bool = True,
        batch_size: int = 256,
        threads: Optional[int] = None,
        removed_text: bool = False,
    ) -> None:
        super().__init__()
        self.rules = rules
        self.url_key = url_key
        self.site_key = site_key
        self.drop_empty = drop_empty
        self.batch_size = batch_size
        self.threads = threads
        self.removed_text = removed_text

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = newsclean.Cleaner(self.rules, removed_text=self.removed_text)
        data = iter(data)
        while batch := list(islice(data, self.batch_size)):
            items = [self._item(doc) for doc in batch]
            with self.track_time(unit="batch"):
                records = list(cleaner.clean_many(items, threads=self.threads))
            for doc, record in zip(batch, records):
                self.stat_update("documents")
                self.stat_update("removals", value=len(record["removed"]))
                doc.text = record["text"]
                doc.metadata["newsclean"] = {k: record[k] for k in _KEPT if k in record}
                if self.drop_empty and not doc.text:
                    self.stat_update("dropped_empty")
                    continue
                self.stat_update("forwarded")
                yield doc

    def _item(self, doc: Document) -> Dict[str, Any]:
        item: Dict[str, Any] = {"text": doc.text, "id": str(doc.id)}
        for key, field in ((self.url_key, "url"), (self.site_key, "site")):
            value = doc.metadata.get(key)
            if isinstance(value, str):
                item[field] = value
        return item


class NewscleanSyndication(PipelineStep):
    """Near-duplicate paragraphs among the documents of a task (after ``NewscleanCleaner``):
    a paragraph in a cluster gets ``cluster``, ``kind`` (``syndicated``, ``site-template``,
    ``repeated``, ``shared-quote``) and ``similarity`` in ``metadata["newsclean"]``; with
    ``mode="drop"`` later copies are removed from the text. Holds the task's documents in
    memory until its input ends: for corpora past one machine, use ``newsclean sketch`` and
    the Spark job instead.
    """

    name = "📰 newsclean syndication"
    type = "🫂 - DEDUP"

    def __init__(self, mode: str = "flag", similarity: Optional[float] = None) -> None:
        super().__init__()
        if mode not in ("flag", "drop"):
            raise ValueError(f'mode {mode!r}: must be "flag" or "drop"')
        self.mode = mode
        self.similarity = similarity

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        docs: List[Document] = list(data)
        records = [_record(doc, i) for i, doc in enumerate(docs)]
        with self.track_time(unit="task"):
            annotated, clusters = newsclean.dedup(records, self.mode, self.similarity)
        self.stat_update("clusters", value=len(clusters))
        for doc, record in zip(docs, annotated):
            meta = doc.metadata.setdefault("newsclean", {})
            meta["paragraphs"] = record["paragraphs"]
            meta["removed"] = record["removed"]
            doc.text = record["text"]
            kinds = {p["kind"] for p in record["paragraphs"] if "kind" in p}
            for kind in sorted(kinds):
                self.stat_update(f"documents_with_{kind}")
            yield doc


def _record(doc: Document, n: int) -> Dict[str, Any]:
    """The newsclean record of a document NewscleanCleaner cleaned."""
    meta = doc.metadata.get("newsclean")
    if meta is None:
        raise newsclean.NewscleanError(
            f"document {doc.id}: no metadata['newsclean']: run NewscleanCleaner first"
        )
    record = dict(meta)
    record.update(id=f"{n}:{doc.id}", text=doc.text, source=str(doc.id))
    record.setdefault("site", "unknown")
    record.setdefault("site_source", "unknown")
    for key in ("title", "section", "published", "updated", "author"):
        record.setdefault(key, None)
    record.setdefault("credits", [])
    record.setdefault("platforms", [])
    return record


__all__ = ["NewscleanCleaner", "NewscleanSyndication"]


