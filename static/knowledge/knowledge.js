// The knowledge base (gridcare.knowledge): 插入话术 puts a suggested script into the reply or
// description box (at the cursor, or after what is there) and counts it; without a box it copies
// the script. On the counter console, the suggestions follow the ticket being served.
(() => {
  if (window.gridcareKnowledge) return; // included twice on a page: one listener
  window.gridcareKnowledge = true;

  const csrf = () => {
    const body = document.body.getAttribute("hx-headers");
    try { return JSON.parse(body || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  };

  const insert = (box, text) => {
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? box.value.length;
    const before = box.value.slice(0, start);
    const gap = before && !before.endsWith("\n") ? "\n" : "";
    box.value = before + gap + text + box.value.slice(end);
    const at = (before + gap + text).length;
    box.focus();
    box.setSelectionRange(at, at);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-insert-script]");
    if (button) {
      const item = button.closest("li");
      const text = item.querySelector("template.script-text").content.textContent.trim();
      const box = button.dataset.target ? document.querySelector(button.dataset.target) : null;
      if (box) insert(box, text);
      else if (navigator.clipboard) navigator.clipboard.writeText(text);
      button.textContent = box ? "已插入" : "已复制";
      if (button.dataset.used) fetch(button.dataset.used, { method: "POST", headers: { "X-CSRFToken": csrf() } });
      return;
    }
    const copy = event.target.closest("[data-copy-script]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(document.querySelector("#article-body .body").innerText.trim());
      copy.textContent = "已复制";
    }
  });

  // The counter console: its state is swapped in every 2 s; ask again only when the ticket changes.
  let shown = null;
  const follow = () => {
    const list = document.querySelector("[data-suggest-ticket]");
    const current = document.querySelector("#current-ticket");
    if (!list || !current || !window.htmx) return;
    const ticket = current.value || "";
    if (ticket === shown) return;
    shown = ticket;
    if (!ticket) return;
    window.htmx.ajax("GET", `${list.dataset.suggestTicket}?ticket=${encodeURIComponent(ticket)}`, { target: list, swap: "innerHTML" });
  };
  document.addEventListener("htmx:afterSettle", follow);
  document.addEventListener("DOMContentLoaded", follow);
  if (document.readyState !== "loading") follow();
})();
