"""newsclean for Python: clean scraped news text with per-site rules and a site-independent
classifier, and find the paragraphs several outlets copied from one wire story.

Records are the dicts of newsclean's ``documents.jsonl``: the cleaned ``text``, each kept
paragraph as its ``span`` in ``text`` and its ``original`` span in the input (ranges of code
points, so ``record["text"][start:end]`` is the paragraph), each removal with its ``original``
span and the ``rule`` that removed it.

    >>> import newsclean
    >>> record = newsclean.Cleaner().clean(open("samples/scmp-nk-diplomat.txt").read())
    >>> record["title"]
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from newsclean._native import NativeCleaner as _NativeCleaner
from newsclean._native import NewscleanError, __version__
from newsclean._native import dedup_json as _dedup_json

__all__ = ["Cleaner", "NewscleanError", "dedup", "__version__"]

Item = Union[str, Dict[str, Any]]

# The fields of an input dict that the cleaner reads; the others pass through under
# "metadata", as the command line does with JSONL records.
_READ = ("text", "id", "url", "site")


class Cleaner:
    """Cleans news articles with newsclean's rule files and classifier.

    rules: a directory of rule files (by default the rules built into the package).
    site: the site to assume for texts that name none (like ``--site``).
    site_rules / classifier: turn off the per-site rules or the site-independent classifier.
    removed_text: give each removal its text too.
    """

    def __init__(
        self,
        rules: Optional[str] = None,
        *,
        site: Optional[str] = None,
        site_rules: bool = True,
        classifier: bool = True,
        removed_text: bool = False,
    ) -> None:
        self._native = _NativeCleaner(
            None if rules is None else str(rules), site, site_rules, classifier, removed_text
        )

    def clean(
        self,
        text: str,
        url: Optional[str] = None,
        site: Optional[str] = None,
        id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """The record of one article (the GIL is released while it is cleaned)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        return json.loads(self._native.clean_json(text, id, url, site))

    def clean_many(
        self,
        items: Iterable[Item],
        threads: Optional[int] = None,
        batch_size: int = 2048,
    ) -> Iterator[Dict[str, Any]]:
        """The records of many articles, in input order, cleaned in parallel on ``threads``
        workers (all cores by default) without the GIL.

        Each item is a text, or a dict with ``text`` and optionally ``id``, ``url``, ``site``;
        a dict's other keys come back under the record's ``metadata``. Items are read
        ``batch_size`` at a time, so an iterable larger than memory streams through.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        batches = _batches(iter(items), batch_size)
        # The next batch is cleaned (natively, without the GIL) while this one's records are
        # parsed and handed out: json.loads is a third of the time, and would otherwise leave
        # the cleaning threads idle.
        with ThreadPoolExecutor(max_workers=1) as ahead:
            pending = None
            done = 0
            for batch in batches:
                args, extras = _arguments(batch, done)
                running = ahead.submit(self._native.clean_json_many, args, done, threads)
                done += len(batch)
                if pending is not None:
                    yield from _records(*pending)
                pending = (running.result, extras)
            if pending is not None:
                yield from _records(*pending)


def _batches(it: Iterator[Item], size: int) -> Iterator[List[Item]]:
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


def _arguments(batch: List[Item], first: int) -> Tuple[list, list]:
    """The native call's (text, id, url, site) tuples, and each item's other fields."""
    args, extras = [], []
    for n, item in enumerate(batch, start=first):
        if isinstance(item, str):
            args.append((item, None, None, None))
            extras.append(None)
        elif isinstance(item, dict):
            text = item.get("text")
            if not isinstance(text, str):
                raise NewscleanError(f"item {n}: no \"text\" string (it has {sorted(item)})")
            args.append(
                (text, _opt_str(item, "id", n), _opt_str(item, "url", n), _opt_str(item, "site", n))
            )
            extras.append({k: v for k, v in item.items() if k not in _READ} or None)
        else:
            raise TypeError(f"item {n}: expected str or dict, not {type(item).__name__}")
    return args, extras


def _records(result, extras) -> Iterator[Dict[str, Any]]:
    for (rest, text), extra in zip(result(), extras):
        record = json.loads(rest)
        record["text"] = text
        if extra:
            record["metadata"] = extra
        yield record


def _opt_str(item: Dict[str, Any], key: str, n: int) -> Optional[str]:
    value = item.get(key)
    if value is None or isinstance(value, str):
        return value
    if key == "id" and isinstance(value, int):
        return str(value)
    raise NewscleanError(f"item {n}: field \"{key}\" is not a string")


def dedup(
    records: Iterable[Dict[str, Any]],
    mode: str = "flag",
    similarity: Optional[float] = None,
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Near-duplicate paragraphs across ``records`` (as ``Cleaner.clean`` returns them).

    Returns the records annotated (a paragraph in a cluster gets ``cluster``, ``kind`` and
    ``similarity``; with ``mode="drop"`` later copies move to ``removed``) and the clusters,
    as ``duplicates.jsonl`` holds them. ``similarity`` is ``--similarity``.
    """
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    annotated, clusters = _dedup_json(lines, mode, similarity)
    return [json.loads(a) for a in annotated], [json.loads(c) for c in clusters]
