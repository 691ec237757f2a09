/* A page that comes back with errors puts the focus on their summary (role="alert"), so a
   keyboard or screen-reader user starts from the list of what to correct; each item links to
   its field. The request form does the same in request_form.js. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
