/* Operator grid formatters (dash-ag-grid looks functions up in window.dashAgGridFunctions). Written for this project. */
(function () {
  "use strict";
  function duration(s) {
    if (s == null) { return ""; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + " mnt"; }
    if (m < 48 * 60) { return Math.floor(m / 60) + " j " + (m % 60) + " m"; }
    return Math.floor(m / 1440) + " hari";
  }
  var fns = window.dashAgGridFunctions = window.dashAgGridFunctions || {};
  fns.bccDuration = duration;
  fns.bccCountdown = function (s) {
    if (s == null) { return "SEGERA"; }
    return (s < 0 ? "lewat " : "") + duration(Math.abs(s));
  };
})();

/* The operator's alarm: sounds while any emergency in the queue is unacknowledged (status baru),
   once the operator enabled sound with a click (browsers block sound before a user gesture). */
(function () {
  "use strict";
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    operator: {
      enableSound: function (n) {
        if (!n) { return window.dash_clientside.no_update; }
        var audio = document.getElementById("op-alarm-audio");
        // Play once inside the click so the browser allows sound later; stop it unless the alarm took over.
        if (audio) { audio.muted = false; audio.play().then(function () { if (!audio.loop) { audio.pause(); audio.currentTime = 0; } }).catch(function () {}); }
        return true;
      },
      alarm: function (rows, soundOn, cfg) {
        var unack = (rows || []).some(function (r) { return r.kind === "emergency" && r.status === "baru"; });
        var audio = document.getElementById("op-alarm-audio");
        if (audio) {
          if (unack && soundOn) { audio.loop = true; if (audio.paused) { audio.play().catch(function () {}); } }
          else { audio.loop = false; audio.pause(); audio.currentTime = 0; }
        }
        document.body.classList.toggle("op-alarm", unack);
        return [soundOn ? cfg.sound_on : cfg.sound_off, "sound-btn " + (soundOn ? "on" : "off") + (unack ? " ringing" : "")];
      }
    }
  });
})();
