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

  // H5P sends statements without an id. Giving each one its own lets it be sent again after a lost answer: the
  // server stores a statement id once per learner and acknowledges a repeat without counting it twice.
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  var RETRY_DELAYS = [2000, 8000];  // after a network error or a 5xx/429; a 4xx will not get better

  function record(frame, statement, tries) {
    if (frame.dataset.record !== "1") { return; }
    if (!statement.id) { statement.id = newId(); }
    tries = tries || 0;
    fetch(frame.dataset.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": frame.dataset.csrf },
      body: JSON.stringify({ lesson: frame.dataset.lesson, block: frame.dataset.h5pBlock, statement: statement })
    }).then(function (response) {
      if (!response.ok) {
        var error = new Error(response.status);
        error.retry = response.status >= 500 || response.status === 429;
        throw error;
      }
      return response.json();
    }, function (networkError) {
      networkError.retry = true;
      throw networkError;
    }).then(function (body) {
      show(frame, body.result);
      frame.dispatchEvent(new CustomEvent("h5p-recorded", { detail: body.result }));
    }).catch(function (error) {
      if (error.retry && tries < RETRY_DELAYS.length) {
        window.setTimeout(function () { record(frame, statement, tries + 1); }, RETRY_DELAYS[tries]);
        return;
      }
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
