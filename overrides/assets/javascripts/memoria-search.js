/*
 * Memoria search: Pagefind behind Material's header search box.
 *
 * Why this file: Material's search loads a whole lunr index for both languages on every
 * page. Memoria builds one Pagefind bundle per language (pagefind/, es/pagefind/), split in
 * chunks; this script loads the page's language's bundle only when the reader opens the
 * box, then fetches just the chunks the query needs.
 * Keyboard: "/" or "s" opens it, Escape closes it, arrow keys move through results.
 * Results are built with textContent: titles may come from a video platform and are never
 * trusted as markup. The index keeps each word of a page once (src/memoria/search.py), so
 * Pagefind has no excerpt around the match: a result shows the entry's summary, its words
 * that start like a query word marked here.
 */
(() => {
  "use strict";

  const root = document.querySelector("[data-memoria-search]");
  const toggle = document.getElementById("__search");
  if (!root || !toggle) return;

  const input = root.querySelector(".md-search__input");
  const form = root.querySelector("form");
  const meta = root.querySelector(".md-search-result__meta");
  const list = root.querySelector(".md-search-result__list");
  const more = root.querySelector(".memoria-search__more");
  const opener = document.querySelector("[data-memoria-search-open]");
  const strings = JSON.parse(root.dataset.memoriaStrings);
  const bundle = new URL(root.dataset.memoriaBundle, document.baseURI);
  const siteRoot = new URL(root.dataset.memoriaSite, document.baseURI); // result URLs start here
  const PAGE = 10;
  const RERANK = 20; // results whose kind is read before showing (see reranked)
  const allResults = root.dataset.memoriaResults ? new URL(root.dataset.memoriaResults, document.baseURI) : null;

  let engine = null; // Promise of the Pagefind module, created on first open
  let results = [];
  let shown = 0;
  let generation = 0;
  let timer = 0;

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => {
        script.remove();
        resolve();
      };
      script.onerror = () => {
        script.remove();
        reject(new Error(`cannot load ${url}`));
      };
      document.head.append(script);
    });
  }

  /*
   * From disk (the offline copy), browsers refuse ES modules, workers and fetch(): load
   * Pagefind as a classic script and answer its fetch() calls for bundle files from the
   * scripts `make offline` wrote in the bundle's offline/ (one per file, loaded when asked for).
   */
  function loadFromDisk() {
    const waiting = new Map();
    window.__memoriaPagefindFile = (path, payload) => {
      const resolve = waiting.get(path);
      if (resolve) resolve(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    };
    const nativeFetch = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const href = new URL(typeof input === "string" ? input : input.url, document.baseURI).href;
      if (!href.startsWith(bundle.href)) return nativeFetch(input, init);
      const path = href.slice(bundle.href.length).split(/[?#]/)[0];
      const bytes = new Promise((resolve) => waiting.set(path, resolve));
      return loadScript(new URL(`offline/${path}.js`, bundle).href).then(
        async () => new Response(await bytes, { status: 200 }),
        () => new Response("", { status: 404 }),
      );
    };
    return loadScript(new URL("offline/pagefind.js", bundle).href).then(() => window.__memoriaPagefind);
  }

  /* Load Pagefind once, from the bundle of the page's language. */
  function load() {
    if (engine) return engine;
    meta.textContent = strings.loading;
    const loading = location.protocol === "file:" ? loadFromDisk() : import(new URL("pagefind.js", bundle).href);
    engine = loading.then(async (pagefind) => {
      // Rank by where words stand (title, summary, text: weights in src/memoria/search.py), not by
        // page length, which put short recording pages above the press release they belong to.
        await pagefind.options({ baseUrl: siteRoot.pathname, ranking: { pageLength: 0 } });
      await pagefind.init();
      if (!input.value.trim()) meta.textContent = strings.placeholder;
      return pagefind;
    });
    engine.catch((error) => {
      engine = null;
      meta.textContent = strings.error;
      console.error("memoria search:", error);
    });
    return engine;
  }

  function setOpen(open) {
    if (toggle.checked !== open) toggle.checked = open;
    if (opener) opener.setAttribute("aria-expanded", String(open));
    if (open) {
      load();
      if (document.activeElement !== input) input.focus();
    } else if (root.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }

  function countText(count) {
    if (count === 0) return strings.none;
    if (count === 1) return strings.one;
    return strings.other.replace("{count}", String(count));
  }

  /* Lower case without accents, as Pagefind compares ("protección" is "proteccion"). */
  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  /*
   * Stems good enough to mark with: a query word of 6 letters or more less its last two
   * ("defensora" marks "defensoras", "defensores"); words under 3 letters mark nothing.
   */
  function markStems(query) {
    return fold(query)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length >= 3)
      .map((word) => (word.length >= 6 ? word.slice(0, -2) : word));
  }

  /* Append `text`, its words that start with one of `stems` in <mark>. */
  function appendMarked(target, text, stems) {
    for (const part of text.split(/([\p{L}\p{N}]+)/u)) {
      if (!part) continue;
      const folded = fold(part);
      if (stems.some((stem) => folded.startsWith(stem))) {
        const mark = document.createElement("mark");
        mark.textContent = part;
        target.append(mark);
      } else {
        target.append(document.createTextNode(part));
      }
    }
  }

  function plain(fragment) {
    return new DOMParser().parseFromString(`<body>${fragment}</body>`, "text/html").body.textContent;
  }

  function resultItem(data, stems) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = document.createElement("h1");
    title.textContent = plain((data.meta && data.meta.title) || data.url);
    const facts = document.createElement("p");
    facts.className = "memoria-search__facts";
    facts.textContent = ["kind", "date", "language"]
      .map((name) => data.meta && data.meta[name])
      .filter(Boolean)
      .join(" · ");
    const excerpt = document.createElement("p");
    appendMarked(excerpt, plain((data.meta && data.meta.summary) || ""), stems);
    article.append(facts, title, excerpt);
    link.append(article);
    item.append(link);
    for (const moment of spokenMoments(data)) item.append(momentLink(moment, stems));
    return item;
  }

  /* Transcript lines that match (Pagefind sub-results on the cues' anchors), at most three. */
  function spokenMoments(data) {
    return (data.sub_results || []).filter((sub) => /#t\d+-\d+/.test(sub.url)).slice(0, 3);
  }

  function momentLink(moment, stems) {
    const link = document.createElement("a");
    link.className = "md-search-result__link memoria-search__moment";
    link.href = moment.url;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const text = document.createElement("p");
    const time = document.createElement("strong");
    time.textContent = strings.moment.replace("{time}", plain(moment.title)) + " ";
    text.append(time);
    appendMarked(text, plain(moment.excerpt || ""), stems);
    article.append(text);
    link.append(article);
    return link;
  }

  async function showMore(current) {
    const batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    const datas = await Promise.all(batch.map((result) => result.data()));
    if (current !== generation) return;
    const stems = markStems(input.value);
    list.append(...datas.map((data) => resultItem(data, stems)));
    more.hidden = shown >= results.length;
  }

  async function run() {
    const current = ++generation;
    const query = input.value.trim();
    if (!query) {
      list.replaceChildren();
      more.hidden = true;
      meta.textContent = strings.placeholder;
      return;
    }
    const pagefind = await load();
    const search = await pagefind.search(query);
    if (current !== generation) return;
    results = await reranked(search.results);
    if (current !== generation) return;
    shown = 0;
    list.replaceChildren();
    meta.textContent = countText(results.length) + " ";
    if (allResults) {
      const link = document.createElement("a");
      link.href = `${allResults.href}?${new URLSearchParams({ q: query })}`;
      link.textContent = strings.all;
      link.className = "memoria-search__all";
      meta.append(link);
    }
    await showMore(current);
  }

  /*
   * Pagefind's score barely tells a title match in a press release from one in a recording
   * (its term saturation flattens the weights set at indexing), and short recording pages
   * match their press release's words: among the first results, a recording counts 0.9 of
   * its score, so the press release or event ranks above its own recordings for equal matches.
   */
  async function reranked(found) {
    const head = found.slice(0, RERANK);
    const datas = await Promise.all(head.map((result) => result.data()));
    const scored = head.map((result, index) => ({
      result,
      data: datas[index],
      score: result.score * (datas[index].meta && datas[index].meta.section === "recordings" ? 0.9 : 1),
    }));
    scored.sort((a, b) => b.score - a.score);
    return [
      ...scored.map(({ result, data }) => ({ ...result, data: () => Promise.resolve(data) })),
      ...found.slice(RERANK),
    ];
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => run().catch(() => {}), 120);
  }

  function resultLinks() {
    return [...list.querySelectorAll(".md-search-result__link")];
  }

  input.addEventListener("focus", () => setOpen(true));
  input.addEventListener("input", schedule);
  toggle.addEventListener("change", () => setOpen(toggle.checked));
  if (opener) opener.addEventListener("click", () => setOpen(true));
  more.addEventListener("click", () => showMore(generation));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = resultLinks()[0];
    if (first) first.click();
  });
  form.addEventListener("reset", () => {
    window.setTimeout(() => {
      run();
      input.focus();
    });
  });

  /* Leaving the box with Tab closes it, as Material's does. */
  root.addEventListener("focusout", (event) => {
    if (!toggle.checked) return;
    if (event.relatedTarget && !root.contains(event.relatedTarget)) setOpen(false);
    else if (!event.relatedTarget) {
      // Focus left for nothing focusable (the end of the page, the browser's own UI): close
      // unless it comes back into the box at once (a click on the results' padding).
      window.setTimeout(() => {
        if (!root.contains(document.activeElement)) setOpen(false);
      }, 0);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const inSearch = root.contains(document.activeElement);
    const typing = document.activeElement && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (toggle.checked && !inSearch && event.key === "Escape") {
      setOpen(false);
      return;
    }
    if (!toggle.checked || !inSearch) {
      if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
        event.preventDefault();
        setOpen(true);
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
      if (opener && window.getComputedStyle(opener).display !== "none") opener.focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const stops = [input, ...resultLinks()];
      const index = stops.indexOf(document.activeElement);
      const step = event.key === "ArrowDown" ? 1 : -1;
      stops[(Math.max(index, 0) + step + stops.length) % stops.length].focus();
      event.preventDefault();
    }
  });
})();
