"""Memoria: a bilingual static archive of press releases, events and rescued recordings."""

__version__ = "0.1.0"
