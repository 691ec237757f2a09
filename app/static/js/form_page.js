/* A form page.
   - When it comes back with errors, the focus goes to the summary of what to correct, so a
     screen reader reads it and the keyboard starts from there (its links lead to each field).
   - A page answering a POST (the form shown again with its errors, or a page marked
     data-answers-a-post) becomes, in the history, the plain page at the same address: Back from
     the next page then opens that address again instead of the browser's "document expired /
     resend?" page, and nothing is sent twice. Without this script, the pages work the same way. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var posted = summary || document.querySelector("[data-answers-a-post]");
  if (posted && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.href);
  }
}());
