/* Starts Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html). Redoc inserts its styles
   as <style> elements; the page's Content-Security-Policy allows them by this response's nonce. */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  if (!container || typeof Redoc === "undefined") {
    return;
  }
  Redoc.init(container.dataset.specUrl, { nonce: container.dataset.styleNonce }, container);
})();
