// Deadline badges count down without a reload: every minute each <time data-time-left>
// gets its words again ("in 3 days", "2 h over") from the phrases the server put on <body>
// in the page's language (data-deadline-words). Without JavaScript the server's text stands.
// The same granularity as complaints/templatetags/deadlines.py: minutes under an hour,
// hours under two days, days beyond (minutes and hours cut, days rounded).
(function () {
  "use strict";
  var MINUTE = 60000, HOUR = 3600000, DAY = 86400000;
  var words = null;

  function phrase(key, n) {
    return (words[key] || "").replace("{n}", String(n));
  }

  function timeLeft(ms) {
    var side = ms < 0 ? "past" : "future";
    var left = Math.abs(ms);
    if (left < MINUTE) return phrase("now", 0);
    if (left < HOUR) return phrase(side + "_min", Math.floor(left / MINUTE));
    if (left < 2 * DAY) return phrase(side + "_hour", Math.floor(left / HOUR));
    var days = Math.floor(left / DAY + 0.5); // rounded, as the server does
    return phrase(side + (days === 1 ? "_day_one" : "_day_other"), days);
  }

  function update() {
    var now = Date.now();
    document.querySelectorAll("time[data-time-left]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var ms = due - now;
      var text = timeLeft(ms);
      if (el.textContent !== text) el.textContent = text;
      var badge = el.closest(".badge");
      if (badge) {
        var state = ms < 0 ? "over" : ms < DAY ? "soon" : "later";
        ["over", "soon", "later"].forEach(function (s) {
          badge.classList.toggle(s, s === state);
        });
      }
    });
  }

  function start() {
    try {
      words = JSON.parse(document.body.getAttribute("data-deadline-words") || "null");
    } catch (e) {
      words = null;
    }
    if (!words) return;
    update();
    setInterval(update, MINUTE);
    // Lists and the complaint page are swapped in by htmx: new badges get words at once.
    document.body.addEventListener("htmx:afterSettle", update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
