/* Runs inside the player frame: starts h5p-standalone and hands xAPI statements and the frame's height to the
   lesson page with postMessage (the lesson page, on the platform's origin, posts them to the server). */
(function () {
  "use strict";
  var read = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var options = read("h5p-options");
  var block = read("h5p-block");
  var parentOrigin = read("h5p-parent-origin") || window.location.origin;
  var container = document.getElementById("h5p-container");

  function tell(message) {
    if (window.parent !== window) {
      message.source = "campus-h5p";
      message.block = block;
      window.parent.postMessage(message, parentOrigin);
    }
  }

  function reportHeight() {
    tell({ type: "resize", height: document.documentElement.scrollHeight });
  }

  new H5PStandalone.H5P(container, options).then(function () {
    H5P.externalDispatcher.on("xAPI", function (event) {
      tell({ type: "xapi", statement: event.data.statement });
    });
    tell({ type: "ready" });
    reportHeight();
  }).catch(function (error) {
    container.textContent = "H5P: " + (error && error.message ? error.message : error);
    tell({ type: "error", message: String(error) });
  });

  if (window.ResizeObserver) {
    new ResizeObserver(reportHeight).observe(document.body);
  }
  window.addEventListener("load", reportHeight);
})();
