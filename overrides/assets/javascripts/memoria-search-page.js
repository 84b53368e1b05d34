/*
 * Memoria's search results page (/search/?q=…, /es/search/?q=…): the query and the chosen filters
 * live in the page's address, so a search can be shared or bookmarked. Pagefind (the page's
 * language's bundle, same origin) returns the results and how many match each filter value:
 * kind, year, country and topic. Results are built with textContent: titles are never markup.
 */
(() => {
  "use strict";

  const form = document.querySelector("[data-memoria-search-page]");
  if (!form) return;
  const strings = JSON.parse(document.getElementById("memoria-search-strings").textContent);
  const input = form.querySelector("input[name=q]");
  const fieldset = form.querySelector("[data-memoria-filters]");
  const meta = document.querySelector("[data-memoria-search-meta]");
  const list = document.querySelector("[data-memoria-search-results]");
  const bundle = new URL(form.dataset.memoriaBundle, document.baseURI);
  const siteRoot = new URL(form.dataset.memoriaSite, document.baseURI);
  const FILTERS = ["kind", "year", "country", "topic"];
  let engine = null;

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind.js", bundle).href).then(async (pagefind) => {
        // Rank by where words stand (title, summary, text: weights in src/memoria/search.py), not by
        // page length, which put short recording pages above the press release they belong to.
        await pagefind.options({ baseUrl: siteRoot.pathname, ranking: { pageLength: 0 } });
        await pagefind.init();
        return pagefind;
      });
    }
    return engine;
  }

  function chosen() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const name of FILTERS) {
      const values = params.getAll(name);
      if (values.length) filters[name] = { any: values };
    }
    return { query: (params.get("q") || "").trim(), filters, params };
  }

  function countText(count) {
    if (count === 0) return strings.none;
    if (count === 1) return strings.one;
    return strings.other.replace("{count}", String(count));
  }

  function plain(fragment) {
    return new DOMParser().parseFromString(`<body>${fragment}</body>`, "text/html").body.textContent;
  }

  function showFilters(available, params) {
    let any = false;
    for (const name of FILTERS) {
      const box = fieldset.querySelector(`[data-memoria-filter="${name}"]`);
      const values = box.querySelector(".memoria-filter__values");
      values.replaceChildren();
      const counts = available[name] || {};
      const keys = Object.keys(counts).sort((a, b) => (name === "year" ? b.localeCompare(a) : a.localeCompare(b)));
      for (const value of keys) {
        const label = document.createElement("label");
        const box_ = document.createElement("input");
        box_.type = "checkbox";
        box_.name = name;
        box_.value = value;
        box_.checked = params.getAll(name).includes(value);
        box_.addEventListener("change", () => form.requestSubmit());
        label.append(box_, ` ${value} (${counts[value]})`);
        values.append(label);
      }
      box.hidden = keys.length === 0;
      any = any || keys.length > 0;
    }
    fieldset.hidden = !any;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "memoria-search-page__result";
    const facts = document.createElement("p");
    facts.className = "memoria-search__facts";
    facts.textContent = ["kind", "date", "language"].map((n) => data.meta[n]).filter(Boolean).join(" · ");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = plain(data.meta.title || data.url);
    heading.append(link);
    const summary = document.createElement("p");
    summary.textContent = plain(data.meta.summary || "");
    item.append(facts, heading, summary);
    for (const sub of (data.sub_results || []).filter((s) => /#t\d+-\d+/.test(s.url)).slice(0, 3)) {
      const moment = document.createElement("p");
      moment.className = "memoria-search-page__moment";
      const to = document.createElement("a");
      to.href = sub.url;
      to.textContent = strings.moment.replace("{time}", plain(sub.title));
      moment.append(to, ` ${plain(sub.excerpt || "")}`);
      item.append(moment);
    }
    return item;
  }

  async function run() {
    const { query, filters, params } = chosen();
    input.value = query;
    if (!query) return;
    meta.textContent = strings.loading;
    try {
      const pagefind = await load();
      await pagefind.filters(); // loads the filter index: without it a search counts no filter values
      const search = await pagefind.search(query, { filters });
      showFilters(search.totalFilters || search.filters || {}, params);
      meta.textContent = countText(search.results.length);
      // As in the header's search (memoria-search.js): a recording counts 0.9 of its score, so a
      // press release or event ranks above its own recordings for equal matches.
      const head = search.results.slice(0, 50);
      const datas = await Promise.all(head.map((r) => r.data()));
      const order = head
        .map((result, index) => ({
          data: datas[index],
          score: result.score * (datas[index].meta.section === "recordings" ? 0.9 : 1),
        }))
        .sort((a, b) => b.score - a.score);
      list.replaceChildren(...order.map(({ data }) => resultItem(data)));
    } catch (error) {
      meta.textContent = strings.error;
      console.error("memoria search page:", error);
    }
  }

  /* Filters belong to a query: a new query starts without them. */
  input.addEventListener("change", () => {
    for (const box of fieldset.querySelectorAll("input[type=checkbox]")) box.checked = false;
  });
  run();
})();
