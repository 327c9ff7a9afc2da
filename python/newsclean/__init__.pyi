from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

__version__: str

class NewscleanError(Exception): ...

Item = Union[str, Dict[str, Any]]

class Cleaner:
    def __init__(
        self,
        rules: Optional[str] = ...,
        *,
        site: Optional[str] = ...,
        site_rules: bool = ...,
        classifier: bool = ...,
        removed_text: bool = ...,
    ) -> None: ...
    def clean(
        self,
        text: str,
        url: Optional[str] = ...,
        site: Optional[str] = ...,
        id: Optional[str] = ...,
    ) -> Dict[str, Any]: ...
    def clean_many(
        self, items: Iterable[Item], threads: Optional[int] = ..., batch_size: int = ...
    ) -> Iterator[Dict[str, Any]]: ...

def dedup(
    records: Iterable[Dict[str, Any]], mode: str = ..., similarity: Optional[float] = ...
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]: ...
