"""Rescue recordings: mirror every recording's URLs into media/<id>/ with verified, versioned manifests.

Import the submodules you need (`memoria.mirror.pipeline`, `.plan`, …): this package file
imports nothing, so that reading a manifest or planning never loads yt-dlp. Only
`memoria.mirror.ytdlp` imports yt-dlp, and only the download worker process and
`memoria linkcheck` import that.
"""
