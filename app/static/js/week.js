/* The portal's week view: blocks are placed from their data attributes. The Content Security
   Policy forbids inline styles (app/security.py), and styles set from a script file are
   allowed. Without this file the blocks are simply listed, day by day. */
(function () {
  "use strict";
  var weeks = document.querySelectorAll(".week[data-hours]");
  Array.prototype.forEach.call(weeks, function (week) {
    week.style.setProperty("--hours", week.getAttribute("data-hours"));
    var blocks = week.querySelectorAll(".block[data-top]");
    Array.prototype.forEach.call(blocks, function (block) {
      block.style.top = block.getAttribute("data-top") + "%";
      block.style.height = block.getAttribute("data-height") + "%";
    });
    week.classList.add("laid-out");
  });
})();
