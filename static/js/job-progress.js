// Progress of a background job (bulk enrolment, certificate batch, metrics report), polled from its status URL.
//
// The element with data-job-status-url holds the settings:
//   data-job-status-url   JSON endpoint answering {status, processed, total, message?, has_result?}
//   data-job-labels       JSON object: status → text to show
//   data-job-running      JSON list of the statuses that are still in progress (polling continues)
//   data-job-done-url     optional: where to go once the job is no longer running
// and its descendants with data-job-field = status | progress | count | message | download are updated.
(function () {
  "use strict";

  function start(root) {
    const url = root.dataset.jobStatusUrl;
    const labels = JSON.parse(root.dataset.jobLabels || "{}");
    const running = JSON.parse(root.dataset.jobRunning || "[]");
    const doneUrl = root.dataset.jobDoneUrl;
    const field = (name) => root.querySelector('[data-job-field="' + name + '"]');

    function show(data) {
      const bar = field("progress");
      if (bar) {
        bar.max = Math.max(data.total || 0, 1);
        bar.value = data.processed || 0;
      }
      const count = field("count");
      if (count) count.textContent = (data.processed || 0) + " / " + (data.total || 0);
      const status = field("status");
      if (status) status.textContent = labels[data.status] || data.status;
      const message = field("message");
      if (message && data.message !== undefined) message.textContent = data.message;
      const download = field("download");
      if (download) download.hidden = !data.has_result;
    }

    function poll() {
      fetch(url, {headers: {"X-Requested-With": "XMLHttpRequest"}, credentials: "same-origin"})
        .then((response) => response.json())
        .then((data) => {
          show(data);
          if (running.includes(data.status)) {
            window.setTimeout(poll, 1000);
          } else if (doneUrl) {
            window.location = doneUrl;
          }
        })
        .catch(() => window.setTimeout(poll, 3000));
    }

    if (running.includes(root.dataset.jobInitialStatus) || doneUrl) poll();
  }

  document.querySelectorAll("[data-job-status-url]").forEach(start);
})();
