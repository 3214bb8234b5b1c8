// Leave this page quickly. The control is an ordinary link to a neutral
// site, so it works without this script; with it, the page is blanked at
// once and replaced in the browser's history (location.replace), so that
// Back does not bring it up again. Escape does the same from anywhere on
// the page, and the link says so once this script is running.
(function () {
  "use strict";
  var link = document.querySelector("a[data-quick-exit]");
  if (!link) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.body.hidden = true;
    document.title = "";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      leave(event);
    }
  });
  var key = link.querySelector("[data-quick-exit-key]");
  if (key) {
    key.hidden = false;
  }
})();
