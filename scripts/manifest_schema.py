"""Write docs/schema/manifest.schema.json from the typed manifest model (a test keeps the two in step)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from memoria.manifest import json_schema

TARGET = Path(__file__).resolve().parent.parent / "docs" / "schema" / "manifest.schema.json"


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
