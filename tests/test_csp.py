"""The Content-Security-Policy of every built page: its directives and the hashes of the page's own inline scripts."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from conftest import BuiltSite
from memoria.csp import content_security_policy, inline_script_hashes, with_csp_meta

THEME_SCRIPT = "__md_scope=new URL('.',location)"
PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>x</title>
<script>{THEME_SCRIPT}</script>
<script id="__config" type="application/json">{{"base": "."}}</script>
<script src="assets/javascripts/bundle.js"></script>
</head><body><article><p>text</p><script>alert(1)</script></article></body></html>"""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_only_the_templates_inline_scripts_are_hashed() -> None:
    hashes = inline_script_hashes(PAGE, not_from="<p>text</p><script>alert(1)</script>")
    assert hashes == [_sha256(THEME_SCRIPT)]  # not the JSON config, not the external script, not the text's


def test_the_policy_directives() -> None:
    directives = _directives(content_security_policy(["'sha256-abc'"]))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'", "'sha256-abc'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["media-src"] == ["'self'"]
    assert directives["frame-src"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(v for values in directives.values() for v in values)


def test_media_url_extends_media_src_only() -> None:
    directives = _directives(content_security_policy([], media_url="https://media.example.org/archive/"))
    assert directives["media-src"] == ["'self'", "https://media.example.org"]
    assert all("media.example.org" not in " ".join(v) for k, v in directives.items() if k != "media-src")


def test_allowed_embed_hosts_reach_frames_images_and_media() -> None:
    directives = _directives(content_security_policy([], allowed_hosts=["www.youtube-nocookie.com"]))
    for name in ("frame-src", "img-src", "media-src"):
        assert "https://www.youtube-nocookie.com" in directives[name], name
    assert "https://www.youtube-nocookie.com" not in directives["script-src"]


def test_the_meta_comes_right_after_the_charset() -> None:
    page = with_csp_meta(PAGE, "default-src 'self'")
    head = page[: page.index("<title>")]
    assert head.endswith(
        """<meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy" content="default-src 'self'">"""
        """\n    <meta name="referrer" content="no-referrer">"""
    )


@pytest.mark.slow
def test_every_page_of_the_demo_carries_a_policy_hashing_its_scripts(demo_site: BuiltSite) -> None:
    pages = sorted(demo_site.site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        html = path.read_text(encoding="utf-8")
        tree = demo_site.page(str(path.relative_to(demo_site.site)))
        metas = tree.xpath('//head/meta[@http-equiv="Content-Security-Policy"]/@content')
        assert len(metas) == 1, path
        script_src = _directives(metas[0])["script-src"]
        inline = [
            s.text or ""
            for s in tree.xpath("//script[not(@src)]")
            if s.get("type") in (None, "module", "text/javascript")
        ]
        assert inline, path  # Material's bootstrap at least
        for text in inline:
            assert _sha256(text) in script_src, (path, text[:60])
        # before any script: the policy is in force when the first one runs
        assert html.index("Content-Security-Policy") < html.index("<script")
        assert not re.search(r"'unsafe-(inline|eval)'", metas[0])
        assert tree.xpath('//head/meta[@name="referrer"]/@content') == ["no-referrer"], path
