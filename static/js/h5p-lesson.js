/* On the lesson page: receives messages from H5P player frames (checking which frame and which origin sent them),
   sizes the frames and posts xAPI statements to the platform with the page's CSRF token. Loaded once per page. */
(function () {
  "use strict";
  if (window.campusH5PLesson) { return; }
  window.campusH5PLesson = true;

  function frameFor(event) {
    var frames = document.querySelectorAll("iframe[data-h5p-block]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) { return frames[i]; }
    }
    return null;
  }

  function statusFor(frame) {
    return frame.parentNode.querySelector("[data-h5p-status]");
  }

  function show(frame, result) {
    var status = statusFor(frame);
    if (!status || !result) { return; }
    var parts = [];
    if (result.max_score) {
      parts.push(status.dataset.textScore.replace("{score}", result.score).replace("{max}", result.max_score));
    }
    if (result.completed) { parts.push(status.dataset.textCompleted); }
    status.textContent = parts.join(" ");
  }

  function record(frame, statement) {
    if (frame.dataset.record !== "1") { return; }
    fetch(frame.dataset.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": frame.dataset.csrf },
      body: JSON.stringify({ lesson: frame.dataset.lesson, block: frame.dataset.h5pBlock, statement: statement })
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (body) {
      show(frame, body.result);
      frame.dispatchEvent(new CustomEvent("h5p-recorded", { detail: body.result }));
    }).catch(function () {
      var status = statusFor(frame);
      if (status) { status.textContent = status.dataset.textError; }
    });
  }

  window.addEventListener("message", function (event) {
    var frame = frameFor(event);
    if (!frame) { return; }
    var expected = frame.dataset.origin || window.location.origin;
    var message = event.data || {};
    if (event.origin !== expected || message.source !== "campus-h5p" || message.block !== frame.dataset.h5pBlock) {
      return;
    }
    if (message.type === "resize" && message.height > 0) {
      frame.style.height = Math.ceil(message.height) + "px";
    } else if (message.type === "xapi") {
      record(frame, message.statement);
    } else if (message.type === "ready") {
      frame.dataset.ready = "1";
    }
  });
})();
