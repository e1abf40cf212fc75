// Keyboard shortcuts for the review queue (served from 'self'; the console has no inline script).
// j / k select the next / previous item; a label's key (t, f, u, n, g, p) presses that
// label's button on the selected item, which submits its form like a click would.
"use strict";
(function () {
  function items() { return Array.prototype.slice.call(document.querySelectorAll("article.item")); }
  function select(all, i) {
    all.forEach(function (el) { el.classList.remove("selected"); });
    if (all[i]) { all[i].classList.add("selected"); all[i].focus(); all[i].scrollIntoView({block: "nearest"}); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var all = items();
    if (all.length) { select(all, 0); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) { return; }
    var all = items();
    if (!all.length) { return; }
    var at = all.findIndex(function (el) { return el.classList.contains("selected"); });
    if (event.key === "j") { select(all, Math.min(at + 1, all.length - 1)); event.preventDefault(); return; }
    if (event.key === "k") { select(all, Math.max(at - 1, 0)); event.preventDefault(); return; }
    if (at < 0 || !/^[a-z]$/.test(event.key)) { return; }
    var button = all[at].querySelector('button[data-key="' + event.key + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
