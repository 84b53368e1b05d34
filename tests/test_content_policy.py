"""The content policy: what a Markdown body may not hold, reported by `memoria check`, the build and the preview."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import write_project
from memoria.content import display_path
from memoria.content_policy import Allowance, PolicyConfigError, body_problems, escaping_links

CLI = [sys.executable, "-m", "memoria.cli"]
PAGE = "docs/press/2014/x.en.md"
FIRST_LINE = 8  # the body's first line in its file (after the front matter)

# (hostile body, line of the error within the body, words the message must hold)
HOSTILE = {
    "script": ("Text\n<script>alert(1)</script>", 2, "<script>: a script would run"),
    "script in svg": ('<svg viewBox="0 0 1 1">\n<script>alert(1)</script></svg>', 2, "<script>"),
    "img onerror": ('<img src="x.png" alt="x" onerror="alert(1)">', 1, "<img onerror>: an event handler"),
    "svg onload": ('<svg onload="alert(1)"></svg>', 1, "<svg onload>: an event handler"),
    "a onmouseover": ('<a href="a.md" onmouseover="alert(1)">x</a>', 1, "<a onmouseover>"),
    "details ontoggle": ("<details open ontoggle=alert(1)>x</details>", 1, "<details ontoggle>"),
    "body onfocus upper case": ('<P ONFOCUS="alert(1)">x</P>', 1, "<p onfocus>"),
    "markdown javascript link": ("See [this](javascript:alert(1)).", 1, "a javascript: address"),
    "javascript link with entities": ("[x](jav&#x61;script:alert(1))", 1, "a javascript: address"),
    "html javascript href": ('<a href=" JaVaScRiPt:alert(1)">x</a>', 1, "<a href>: a javascript: address"),
    "svg xlink:href": ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', 1, "xlink:href"),
    "data link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", 1, "a data: address"),
    "data image": ('<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="x">', 1, "data: address"),
    "reference definition": ("[x][a]\n\n[a]: javascript:alert(1)", 3, "a javascript: address"),
    "formaction": ('<button formaction="javascript:alert(1)">x</button>', 1, "<button formaction>"),
    "tracker image html": ('<img src="https://tracker.example/p.gif" alt="">', 1, "from tracker.example"),
    "tracker image markdown": ("![logo](https://cdn.example/logo.png)", 1, "from cdn.example"),
    "protocol-relative image": ('<img src="//cdn.example/x.png" alt="x">', 1, "from cdn.example"),
    "reference image": ("![logo][l]\n\n[l]: https://cdn.example/l.png", 1, "from cdn.example"),
    "srcset": (
        '<img src="a.png" srcset="a.png 1x, https://cdn.example/b.png 2x" alt="x">',
        1,
        "<img srcset>",
    ),
    "picture source": (
        '<picture><source srcset="https://cdn.example/b.webp"></picture>',
        1,
        "<source srcset>",
    ),
    "video": ('<video src="https://videos.example/v.mp4"></video>', 1, "<video src>"),
    "poster": ('<video src="v.mp4" poster="https://t.example/p.jpg"></video>', 1, "<video poster>"),
    "audio source": ('<audio><source src="https://t.example/a.mp3"></audio>', 1, "<source src>"),
    "css url in style": ("<p style=\"background: url('https://t.example/p.gif')\">x</p>", 1, "<p style>"),
    "css import in style element": ('<style>@import "https://fonts.example/f.css";</style>', 1, "<style>"),
    "css font in style element": (
        "<style>\n@font-face { src: url(https://fonts.example/f.woff2) }\n</style>",
        1,
        "fonts.example",
    ),
    "css expression": ('<p style="width: expression(alert(1))">x</p>', 1, "CSS that runs code"),
    "svg image": ('<svg><image href="https://t.example/i.png"/></svg>', 1, "<image href>"),
    "svg use": ('<svg><use href="https://t.example/s.svg#a"/></svg>', 1, "<use href>"),
    "stylesheet link": ('<link rel="stylesheet" href="https://t.example/s.css">', 1, "<link>"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://t.example/">', 1, "<meta>"),
    "base": ('<base href="https://t.example/">', 1, "<base>"),
    "iframe": ('<iframe src="https://www.youtube.com/embed/x"></iframe>', 1, "<iframe>: shows another"),
    "css image-set": (
        "<p style=\"background: image-set('https://t.example/a.png' 1x)\">x</p>",
        1,
        "t.example",
    ),
    "object": ('<object data="https://t.example/x.swf"></object>', 1, "<object>"),
    "embed": ('<embed src="x.swf">', 1, "<embed>"),
    "form": ('<form action="https://t.example/">\n<input name="q">\n</form>', 1, "<form>: forms send"),
    "mermaid fence": ("Text\n\n```mermaid\ngraph TD; A-->B\n```", 3, "Mermaid diagram"),
    "mermaid pre": ('<pre class="mermaid">graph TD; A-->B</pre>', 1, "Mermaid diagram"),
    "attribute list handler": ('[x](a.md){ onclick="alert(1)" }', 1, "{ onclick=… }: an event handler"),
    "attribute list mermaid": ("``` { .mermaid }\ngraph TD\n```", 1, "Mermaid diagram"),
}

ALLOWED = {
    "link to another site": "Read [the report](https://www.ohchr.org/en/report.pdf).",
    "html link to another site": '<a href="https://www.ohchr.org/">OHCHR</a>',
    "local image": "![The roundtable](../../img/roundtable.jpg)",
    "local srcset": '<img src="a.png" srcset="a.png 1x, b.png 2x" alt="x">',
    "mailto": "[write](mailto:press@example.org)",
    "script in a code block": "```html\n<script>alert(1)</script>\n```",
    "script in a code span": "Never paste `<script>` or `onerror=` into a page.",
    "prose about javascript": "The word javascript: in prose is harmless, as is a < b.",
    "local style": '<p style="color: #333">x</p>',
    "autolink": "<https://www.ohchr.org/>",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_input_is_an_error_with_its_line_and_fix(name: str) -> None:
    body, line, words = HOSTILE[name]
    problems = body_problems(body, FIRST_LINE, PAGE, Allowance(), "en")
    assert problems, f"{name}: not reported"
    assert any(p.line == FIRST_LINE + line - 1 and words in p.message for p in problems), [
        str(p) for p in problems
    ]
    for problem in problems:
        assert str(problem).startswith(f"{PAGE}:{problem.line}: body: ")
        assert " — " in problem.message  # what is wrong — what to do


@pytest.mark.parametrize("name", ALLOWED)
def test_links_and_local_files_stay_allowed(name: str) -> None:
    assert body_problems(ALLOWED[name], FIRST_LINE, PAGE, Allowance(), "en") == []


def test_messages_come_in_spanish_too() -> None:
    problems = body_problems(HOSTILE["tracker image html"][0], 1, PAGE, Allowance(), "es")
    assert problems[0].message.startswith(
        "<img src>: carga https://tracker.example/p.gif desde tracker.example"
    )
    problems = body_problems(HOSTILE["script"][0], 1, PAGE, Allowance(), "es")
    assert "elimínelo" in problems[0].message


def test_allowed_hosts_may_be_embedded_and_no_others() -> None:
    allowance = Allowance.from_config(["www.youtube-nocookie.com", "media.example.org"])
    embed = '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>'
    assert body_problems(embed, 1, PAGE, allowance, "en") == []
    assert (
        body_problems('<img src="https://media.example.org/a.png" alt="a">', 1, PAGE, allowance, "en") == []
    )
    # an allowed host does not let scripts, handlers or other hosts through
    assert body_problems(embed.replace("www.youtube-nocookie.com", "evil.example"), 1, PAGE, allowance, "en")
    assert body_problems(embed.replace(">", ' onload="alert(1)">', 1), 1, PAGE, allowance, "en")
    assert body_problems('<object data="https://media.example.org/x"></object>', 1, PAGE, allowance, "en")
    # srcdoc replaces the allowed address with a document of its own
    srcdoc = embed.replace(">", ' srcdoc="<script>alert(1)</script>">', 1)
    assert "<iframe>: shows another" in body_problems(srcdoc, 1, PAGE, allowance, "en")[0].message


@pytest.mark.parametrize("value", ["youtube", ["https://www.youtube.com/"], [3]])
def test_allow_embeds_must_be_a_list_of_hosts(value: object) -> None:
    with pytest.raises(PolicyConfigError, match="allow_embeds: expected a list of host names"):
        Allowance.from_config(value)


def test_symbolic_links_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "press").mkdir(parents=True)
    (docs / "inside.md").write_text("x", encoding="utf-8")
    (docs / "press" / "alias.md").symlink_to(docs / "inside.md")  # stays inside: fine
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    (docs / "etc").symlink_to("/etc")
    problems = escaping_links(docs, "docs", "en")
    assert sorted(Path(p.path).name for p in problems) == ["etc", "passwd.txt"]
    assert all("outside docs/" in p.message and "copy the file into docs/" in p.message for p in problems)


def test_links_out_of_the_folder_are_found_at_any_depth_in_os_walks_order(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for folder in ("b/deep/er", "a", "c"):
        (docs / folder).mkdir(parents=True)
    (docs / "b" / "deep" / "er" / "key").symlink_to("/etc/hostname")
    (docs / "b" / "z").symlink_to("/etc")
    (docs / "b" / "y").symlink_to("/etc")
    (docs / "a" / "x").symlink_to("/etc")
    (docs / "c" / "inside").symlink_to(docs / "b", target_is_directory=True)  # not entered
    (docs / "top").symlink_to("/etc")
    expected = []
    for folder, dirs, files in os.walk(docs, followlinks=False):
        for name in sorted([*dirs, *files]):
            if os.path.islink(os.path.join(folder, name)) and name != "inside":
                expected.append(display_path(Path(folder, name)))
    assert [p.path for p in escaping_links(docs, "docs", "en")] == expected
    assert len(expected) == 5


# --- memoria check, as staff run it -------------------------------------------------------

ALLOW_AFTER = "feed_id_authority: archive.example.org,2014"  # the memoria plugin's options in mkdocs.yml

HOSTILE_BODY = """
The roundtable met in Mexico City.

<script>alert("pasted")</script>

<img src="https://tracker.example/pixel.gif" alt="">

<iframe src="https://www.youtube.com/embed/abc"></iframe>

Read [the report](https://www.ohchr.org/report.pdf).
"""


def _hostile_project(tmp_path: Path, extra_config: str = "") -> tuple[Path, Path]:
    project = write_project(tmp_path / "project", copy_demo=True, extra_config=extra_config)
    page = project / "docs/press/2014/protect-women-defenders-mesoamerica.en.md"
    with page.open("a", encoding="utf-8") as handle:
        handle.write(HOSTILE_BODY)
    return project, page


def _line_of(page: Path, text: str) -> int:
    return next(n for n, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1) if text in line)


@pytest.mark.slow
def test_check_reports_script_tracker_and_iframe_in_both_languages(tmp_path: Path) -> None:
    project, page = _hostile_project(tmp_path)
    shown = "docs/press/2014/protect-women-defenders-mesoamerica.en.md"
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    done = subprocess.run([*CLI, "check"], cwd=project, capture_output=True, text=True, env=env, timeout=120)
    print(done.stdout)
    assert done.returncode == 1
    assert f"{shown}:{_line_of(page, '<script>')}: body: <script>: a script would run" in done.stdout
    assert (
        f"{shown}:{_line_of(page, 'tracker.example')}: body: <img src>: loads https://tracker" in done.stdout
    )
    assert f"{shown}:{_line_of(page, '<iframe')}: body: <iframe>: shows another site" in done.stdout
    assert "ohchr" not in done.stdout  # a link to another site is fine
    assert "3 errors" in done.stdout
    spanish = subprocess.run(
        [*CLI, "check"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "LANG": "es_MX.UTF-8"},
    )
    assert f"{shown}:{_line_of(page, '<script>')}: body: <script>: un script se ejecutaría" in spanish.stdout


@pytest.mark.slow
def test_check_honours_allow_embeds(tmp_path: Path) -> None:
    project, _page = _hostile_project(tmp_path)
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text(encoding="utf-8").replace(
            ALLOW_AFTER, f"{ALLOW_AFTER}\n      allow_embeds: [www.youtube.com]"
        ),
        encoding="utf-8",
    )
    done = subprocess.run([*CLI, "check", "--json"], cwd=project, capture_output=True, text=True, timeout=120)
    errors = [p["message"] for p in json.loads(done.stdout)["problems"] if p["severity"] == "error"]
    assert len(errors) == 2 and not any("iframe" in m for m in errors), errors


@pytest.mark.slow
def test_check_refuses_a_symbolic_link_to_etc_passwd(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    (project / "docs/press/2014/passwd.en.md").symlink_to("/etc/passwd")
    done = subprocess.run([*CLI, "check"], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "docs/press/2014/passwd.en.md:1: symbolic link to /etc/passwd, outside docs/" in done.stdout
    assert "root:" not in done.stdout


# --- the build and the preview refuse what check reports ---------------------------------

SIBLINGS = """
[click me](javascript:alert(1))

<img src="local.png" alt="x" onerror="alert(2)">

<img src="a.png" srcset="https://cdn.example/b.png 2x" alt="x">

<p style="background: url(https://t.example/p.gif)">x</p>

<svg width="1" height="1"><script>alert(3)</script></svg>
"""
SIBLING_ERRORS = [
    ("javascript:alert(1)", "a javascript: address"),
    ("onerror", "<img onerror>: an event handler"),
    ("srcset", "<img srcset>: loads https://cdn.example/b.png"),
    ("url(https://t.example", "<p style>: loads https://t.example/p.gif"),
    ("<svg", "<script>: a script would run"),
]


def _sibling_project(tmp_path: Path) -> tuple[Path, Path]:
    project = write_project(tmp_path / "project", copy_demo=True)
    page = project / "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
    with page.open("a", encoding="utf-8") as handle:
        handle.write(SIBLINGS)
    return project, page


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["memoria", "build", "--strict"],
        ["memoria", "build"],
        ["memoria", "build", "--serial"],
        ["mkdocs", "build", "--no-strict"],
    ],
    ids=["memoria-strict", "memoria", "memoria-serial", "mkdocs-not-strict"],
)
def test_the_build_refuses_every_sibling_with_file_and_line(tmp_path: Path, command: list[str]) -> None:
    project, page = _sibling_project(tmp_path)
    program = CLI if command[0] == "memoria" else [sys.executable, "-m", "mkdocs"]
    done = subprocess.run([*program, *command[1:]], cwd=project, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    shown = "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
    for marker, words in SIBLING_ERRORS:
        assert f"{shown}:{_line_of(page, marker)}: body: " in output, marker
        assert words in output, words
    assert not (project / "site" / "es" / "press").exists(), "nothing published"


@pytest.mark.slow
@pytest.mark.parametrize(
    "options", [["--dirty", "--no-strict"], []], ids=["make-serve-dirty", "full-rebuild"]
)
def test_the_preview_refuses_what_check_reports(tmp_path: Path, options: list[str]) -> None:
    from test_serve import START_DEADLINE_SECONDS, _free_port, _get, _start_serve, _wait_until

    project = write_project(tmp_path / "project", copy_demo=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = _start_serve(project, port, log, options)
        try:
            url = f"{base}/es/press/2014/protect-women-defenders-mesoamerica/"
            _wait_until(lambda: "Mesoamérica" in _get(url), START_DEADLINE_SECONDS)
            page = project / "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
            good = page.read_text(encoding="utf-8")
            with page.open("a", encoding="utf-8") as handle:
                handle.write(SIBLINGS)
            shown = "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
            _wait_until(lambda: all(words in log_path.read_text() for _m, words in SIBLING_ERRORS), 30)
            output = log_path.read_text()
            for marker, _words in SIBLING_ERRORS:
                assert f"{shown}:{_line_of(page, marker)}: body: " in output, marker
            # The preview answers with its error page (memoria.engine.preview_errors), where what the
            # policy refused appears only as escaped text: the page is never served with it
            served = lxml_html.fromstring(_get(url))
            assert served.xpath("//main[@class='memoria-preview-error']")
            assert not served.xpath("//script | //iframe | //img | //*[@*[starts-with(name(), 'on')]]")
            assert not served.xpath("//@src | //@href[contains(., 'javascript:')]")
            page.write_text(good, encoding="utf-8")  # fixed: the preview comes back
            _wait_until(lambda: "Mesoamérica" in _get(url), START_DEADLINE_SECONDS)
            assert "alert(" not in _get(url)
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.slow
def test_svg_and_html_files_in_docs_are_held_to_the_policy(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    (project / "docs/img").mkdir()
    (project / "docs/img/diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="1" height="1"/>\n<script>alert(1)</script>\n</svg>\n'
    )
    (project / "docs/img/badge.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n'
    )
    (project / "docs/img/clean.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n')
    (project / "docs/old.html").write_text('<html><body><img src="https://t.example/p.gif"></body></html>\n')
    done = subprocess.run([*CLI, "check"], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "docs/img/diagram.svg:3: <script>: a script would run" in done.stdout
    assert "docs/img/badge.svg:1: <svg onload>: an event handler" in done.stdout
    assert "docs/old.html:1: <img src>: loads https://t.example/p.gif" in done.stdout
    assert "clean.svg" not in done.stdout
