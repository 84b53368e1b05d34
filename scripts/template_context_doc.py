"""Write handbook/template-context.md from the typed template context (a test keeps the two in step)."""

from __future__ import annotations

import sys
from pathlib import Path

from memoria.page_context import template_context_markdown

TARGET = Path(__file__).resolve().parent.parent / "handbook" / "template-context.md"


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(template_context_markdown(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
