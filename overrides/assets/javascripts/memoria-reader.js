/*
 * Memoria, for readers of an entry page: a transcript cue's time plays the recording from there,
 * a link to a cue (as search results give) opens the transcript at it and seeks the player, and
 * a citation says the day the reader accessed the page. Same-origin, no requests of its own.
 */
(() => {
  "use strict";

  const video = document.querySelector("[data-memoria-video]");

  function seek(seconds, play) {
    if (!video || !Number.isFinite(seconds)) return;
    const go = () => {
      video.currentTime = seconds;
      if (play) video.play().catch(() => {});
    };
    if (video.readyState >= 1) go();
    else video.addEventListener("loadedmetadata", go, { once: true });
  }

  function showCue(id, play) {
    const cue = id && document.getElementById(id);
    if (!cue || !cue.matches("[data-memoria-cue]")) return;
    const details = cue.closest("details");
    if (details) details.open = true;
    cue.classList.add("memoria-cue--current");
    cue.scrollIntoView({ block: "center" });
    const time = cue.querySelector("[data-memoria-seek]");
    if (time) seek(Number(time.dataset.memoriaSeek), play);
  }

  document.addEventListener("click", (event) => {
    const time = event.target.closest("[data-memoria-seek]");
    if (!time || !video) return;
    event.preventDefault();
    history.replaceState(null, "", time.getAttribute("href"));
    for (const current of document.querySelectorAll(".memoria-cue--current")) {
      current.classList.remove("memoria-cue--current");
    }
    time.closest("[data-memoria-cue]").classList.add("memoria-cue--current");
    seek(Number(time.dataset.memoriaSeek), true);
  });

  if (location.hash) showCue(decodeURIComponent(location.hash.slice(1)), false);
  window.addEventListener("hashchange", () => showCue(decodeURIComponent(location.hash.slice(1)), false));

  /* The citation's "accessed" date: the reader's today, in the page's language. */
  const accessed = document.querySelector("[data-memoria-accessed]");
  if (accessed) {
    const today = new Date();
    const lang = document.documentElement.lang || "en";
    const text = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, {
      day: "numeric",
      month: "long",
      year: "numeric",
    }).format(today);
    accessed.textContent = accessed.dataset.memoriaAccessed.replace("{date}", text);
    const pad = (n) => String(n).padStart(2, "0");
    accessed.setAttribute("datetime", `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`);
  }
})();
