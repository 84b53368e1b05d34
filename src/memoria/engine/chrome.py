"""Page chrome rendered once and reused: the theme's tabs, navigation and script config.

Material renders its tabs and its navigation drawer on every page. On a page that is not in
the navigation (every entry and almost every listing) nothing in them is active, so their
HTML only depends on where the navigation's links point from that page; at 3,000 entries
per language that was about a third of the template time. Templates wrap those parts in
`{% call memoria.chrome.cached("nav") %}…{% endcall %}`: the first page with a given key
renders them, later pages with the same key reuse the HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class SharedChrome:
    """HTML fragments of one language build, keyed by what they depend on."""

    def __init__(self) -> None:
        self._fragments: dict[tuple[str, Hashable], Any] = {}

    def for_page(self, key: Hashable | None) -> PageChrome:
        """The cache as one page sees it; `key=None` renders every fragment afresh (pages in the nav)."""
        return PageChrome(self._fragments, key)

    def __len__(self) -> int:
        return len(self._fragments)


class PageChrome:
    """`cached(name, caller)`: the fragment `name` for this page's key, rendered by `caller` once."""

    def __init__(self, fragments: dict[tuple[str, Hashable], Any], key: Hashable | None) -> None:
        self._fragments = fragments
        self._key = key

    def cached(self, name: str, caller: Callable[[], Any]) -> Any:
        if self._key is None:
            return caller()
        slot = (name, self._key)
        fragment = self._fragments.get(slot)
        if fragment is None:
            fragment = self._fragments[slot] = caller()
        return fragment
