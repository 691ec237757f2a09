/* "Copy" buttons for addresses shown in read-only fields (the calendar link of a school's
   follow-up page). Without JavaScript the button stays hidden and the address is ordinary
   selectable text; with it, one press copies and a status line says so. A file, not inline
   code: the Content-Security-Policy allows scripts from this site only. */
(function () {
  "use strict";

  function say(button, text) {
    var status = document.getElementById(button.dataset.copy + "-status");
    if (status) { status.textContent = text; }
  }

  function fallback(input) {
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) { return; }
    button.hidden = false;
    input.addEventListener("focus", function () { input.select(); });
    button.addEventListener("click", function () {
      var done = function () { say(button, button.dataset.copied); };
      var failed = function () {
        // Copy refused (permissions): leave the address selected for Ctrl+C / a long press.
        input.focus();
        input.select();
        say(button, "");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { if (fallback(input)) { done(); } else { failed(); } });
      } else if (fallback(input)) {
        done();
      } else {
        failed();
      }
    });
  });
})();
