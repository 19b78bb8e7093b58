/* Seminar times in the reader's own time zone and language, next to the seminar's. */
document.querySelectorAll(".local-time").forEach(function (el) {
  var start = new Date(el.dataset.start);
  if (!isNaN(start)) {
    el.textContent = " · " + el.dataset.label + " " + start.toLocaleString(document.documentElement.lang,
      {dateStyle: "medium", timeStyle: "short"});
  }
});
