"""A small H5P content type written for this project ("H5P.CampusYesNo": one yes/no question), and packages of it.

The demo uses it when the real packages of ../shared/fixtures/h5p are not there, and tests build packages with it:
it plays in h5p-standalone like any H5P library and emits a scored xAPI "answered" statement.
"""

import io
import json
import zipfile

MACHINE_NAME = "H5P.CampusYesNo"
FOLDER = f"{MACHINE_NAME}-1.0"

LIBRARY_JS = """\
var H5P = H5P || {};

/* One yes/no question. params: {question: string, correct: boolean, yes: string, no: string}. */
H5P.CampusYesNo = (function ($, EventDispatcher) {
  function CampusYesNo(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    this.previous = (extras && extras.previousState) || {};
    this.answer = typeof this.previous.answer === "boolean" ? this.previous.answer : null;
  }
  CampusYesNo.prototype = Object.create(EventDispatcher.prototype);
  CampusYesNo.prototype.constructor = CampusYesNo;

  CampusYesNo.prototype.getScore = function () {
    return this.answer !== null && this.answer === Boolean(this.params.correct) ? 1 : 0;
  };
  CampusYesNo.prototype.getMaxScore = function () { return 1; };
  CampusYesNo.prototype.getCurrentState = function () { return { answer: this.answer }; };

  CampusYesNo.prototype.attach = function ($container) {
    var self = this;
    $container.addClass("h5p-campus-yes-no");
    $("<p class='h5p-campus-yes-no__question'></p>").text(self.params.question || "").appendTo($container);
    var $buttons = $("<div class='h5p-campus-yes-no__buttons'></div>").appendTo($container);
    var $result = $("<p class='h5p-campus-yes-no__result' role='status'></p>").appendTo($container);

    function show() {
      $buttons.find("button").prop("disabled", self.answer !== null);
      if (self.answer !== null) {
        $result.text(self.getScore() === 1 ? "\\u2713" : "\\u2717");
      }
    }
    function choose(value) {
      if (self.answer !== null) { return; }
      self.answer = value;
      show();
      var event = self.createXAPIEventTemplate("answered");
      event.setScoredResult(self.getScore(), 1, self, true, self.getScore() === 1);
      self.trigger(event);
    }
    $("<button type='button' class='h5p-campus-yes-no__yes'></button>").text(self.params.yes || "Yes")
      .on("click", function () { choose(true); }).appendTo($buttons);
    $("<button type='button' class='h5p-campus-yes-no__no'></button>").text(self.params.no || "No")
      .on("click", function () { choose(false); }).appendTo($buttons);
    show();
  };
  return CampusYesNo;
})(H5P.jQuery, H5P.EventDispatcher);
"""

LIBRARY_CSS = """\
.h5p-campus-yes-no { padding: 1em; font-size: 1rem; }
.h5p-campus-yes-no__buttons button { margin-right: .5em; padding: .4em 1.2em; cursor: pointer; }
.h5p-campus-yes-no__result { font-weight: bold; min-height: 1.5em; }
"""

LIBRARY_JSON = {
    "title": "Campus yes/no question", "machineName": MACHINE_NAME, "majorVersion": 1, "minorVersion": 0,
    "patchVersion": 0, "runnable": 1, "license": "MIT", "author": "Campus CRM",
    "preloadedJs": [{"path": "scripts/yes-no.js"}], "preloadedCss": [{"path": "styles/yes-no.css"}],
}


def library_files() -> dict[str, bytes]:
    """The library folder's files, names relative to the folder."""
    return {
        "library.json": json.dumps(LIBRARY_JSON).encode(),
        "scripts/yes-no.js": LIBRARY_JS.encode(),
        "styles/yes-no.css": LIBRARY_CSS.encode(),
    }


def h5p_json(*, title: str, language: str) -> dict:
    return {
        "title": title, "language": language, "mainLibrary": MACHINE_NAME, "embedTypes": ["div"], "license": "U",
        "preloadedDependencies": [{"machineName": MACHINE_NAME, "majorVersion": 1, "minorVersion": 0}],
    }


def sample_package(*, title: str, question: str, correct: bool, language: str = "es", yes: str = "Sí",
                   no: str = "No") -> bytes:
    """A complete, valid .h5p file holding one yes/no question; the same arguments give the same bytes (fixed
    entry dates), so importing it again is recognised as the same package."""
    content = {"question": question, "correct": correct, "yes": yes, "no": no}
    entries = {
        "h5p.json": json.dumps(h5p_json(title=title, language=language), ensure_ascii=False).encode(),
        "content/content.json": json.dumps(content, ensure_ascii=False).encode(),
        **{f"{FOLDER}/{name}": data for name, data in library_files().items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
