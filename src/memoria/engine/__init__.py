"""The engine wing: everything that knows MkDocs, static-i18n or Material lives in this package.

The core (`memoria.content`, `catalog`, `views`, `feeds`, …) knows nothing of the engine; this
package adapts it: the plugin MkDocs loads, the per-language build `memoria build` runs, the
live preview's watcher and error page, and Material's shared chrome. Tests enforce the seam
(tests/test_architecture.py): no core module imports from here.
"""
