// The campaign page's live follow: every 10 seconds, read the participation (JSON) and write
// what changed into the table's cells, in place — focus stays where it is, and only the
// summary sentence (aria-live="polite") is announced, once it changes. A button pauses it;
// the page works without this script (its refresh link).
(function () {
  "use strict";
  var PERIOD_MS = 10000;
  var table = document.getElementById("follow-table");
  var summary = document.getElementById("follow-summary");
  var live = document.getElementById("follow-live");
  var toggle = document.getElementById("follow-toggle");
  if (!table || !summary || !live || !toggle || !window.fetch) {
    return;
  }
  var paused = false;
  live.hidden = false;
  document.getElementById("follow-refresh").hidden = true;

  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    toggle.textContent = paused ? toggle.dataset.resume : toggle.dataset.pause;
  });

  function write(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function apply(state) {
    Object.keys(state.rows).forEach(function (studentId) {
      var row = table.querySelector('tr[data-student="' + CSS.escape(studentId) + '"]');
      if (!row) {
        return;
      }
      var cells = state.rows[studentId];
      Object.keys(cells).forEach(function (column) {
        write(row.querySelector('[data-col="' + column + '"]'), cells[column]);
      });
    });
    write(summary, state.summary);
  }

  function poll() {
    if (paused || document.visibilityState === "hidden") {
      return;
    }
    fetch(table.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        return answer.ok ? answer.json() : null;
      })
      .then(function (state) {
        if (state) {
          apply(state);
        }
      })
      .catch(function () {});
  }

  window.setInterval(poll, PERIOD_MS);
})();
