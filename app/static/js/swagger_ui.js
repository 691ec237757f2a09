/* Starts Swagger UI on /api/v1/docs from the page's data attributes (no inline script: the
   Content Security Policy forbids them). */
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui-container");
  var config = JSON.parse(container.getAttribute("data-config") || "{}");
  config.url = container.getAttribute("data-spec-url");
  config.dom_id = "#swagger-ui-container";
  window.addEventListener("load", function () {
    window.ui = window.SwaggerUIBundle(config);
  });
})();
