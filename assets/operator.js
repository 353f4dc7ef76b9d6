/* Operator console in the browser: grid formatters and the empty-queue overlay (dash-ag-grid looks
   them up in window.dashAgGridFunctions / dashAgGridComponentFunctions), the alarm, the keyboard
   shortcuts and the one-click "oldest unanswered first" order. Written for this project. */
(function () {
  "use strict";
  var UNITS = {
    id: { min: "mnt", h: "j", m: "m", day: "hari", soon: "SEGERA", over: function (d) { return "lewat " + d; } },
    en: { min: "min", h: "h", m: "m", day: "days", soon: "SOON", over: function (d) { return d + " overdue"; } }
  };
  function units(lang) { return UNITS[lang] || UNITS.id; }
  function duration(s, lang) {
    if (s == null) { return ""; }
    var u = units(lang), m = Math.floor(s / 60);
    if (m < 60) { return m + " " + u.min; }
    if (m < 48 * 60) { return Math.floor(m / 60) + " " + u.h + " " + (m % 60) + " " + u.m; }
    return Math.floor(m / 1440) + " " + u.day;
  }
  var fns = window.dashAgGridFunctions = window.dashAgGridFunctions || {};
  fns.bccDuration = duration;
  fns.bccCountdown = function (s, lang) {
    if (s == null) { return units(lang).soon; }
    var d = duration(Math.abs(s), lang);
    return s < 0 ? units(lang).over(d) : d;
  };
  var comps = window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {};
  comps.BccNoRows = function (props) {
    return window.React.createElement("div", { className: "op-no-rows" }, props.message || "");
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
      },
      /* One click: pinned emergencies, then complaints nobody has answered, each oldest first; again: the default order. */
      order: function (n, cfg) {
        var oldest = (n || 0) % 2 === 1;
        var api = window.dash_ag_grid && window.dash_ag_grid.getApi && window.dash_ag_grid.getApi("op-grid");
        if (api) {
          api.applyColumnState({
            state: oldest ? [{ colId: "pin", sort: "asc", sortIndex: 0 }, { colId: "reported_at", sort: "asc", sortIndex: 1 }] : [],
            defaultState: { sort: null }
          });
        }
        return [oldest ? cfg.order_oldest : cfg.order_due, "op-order" + (oldest ? " active" : "")];
      }
    }
  });
})();

/* Keyboard shortcuts (listed on the "?" overlay): j/k or arrows move, a acknowledge, f forward /
   dispatch, e escalate, n note, / search, ? this list. Nothing fires while typing in a field. */
(function () {
  "use strict";
  function typing(el) {
    if (!el) { return false; }
    var tag = (el.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  function grid() { return window.dash_ag_grid && window.dash_ag_grid.getApi && window.dash_ag_grid.getApi("op-grid"); }
  function move(step) {
    var api = grid();
    if (!api) { return; }
    var count = api.getDisplayedRowCount();
    if (!count) { return; }
    var selected = api.getSelectedNodes()[0];
    var index = selected && selected.rowIndex != null ? selected.rowIndex + step : (step > 0 ? 0 : count - 1);
    index = Math.max(0, Math.min(count - 1, index));
    var node = api.getDisplayedRowAtIndex(index);
    if (node) { node.setSelected(true, true); api.ensureIndexVisible(index); }
  }
  function press(ids) {
    for (var i = 0; i < ids.length; i++) {
      var b = document.getElementById(ids[i]);
      if (b && !b.hidden && b.offsetParent !== null) { b.click(); return true; }
    }
    return false;
  }
  function help(show) {
    var box = document.getElementById("op-help");
    if (!box) { return; }
    box.hidden = show === undefined ? !box.hidden : !show;
  }
  function focus(id) {
    var el = document.getElementById(id);
    if (el && el.offsetParent !== null) { el.focus(); if (el.select) { el.select(); } return true; }
    return false;
  }
  document.addEventListener("keydown", function (ev) {
    if (!document.getElementById("op-grid")) { return; }
    var target = ev.target;
    if (typing(target)) {
      if (ev.key === "Escape") { target.blur(); ev.preventDefault(); }
      else if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && target.id === "op-note") { press(["op-btn-note"]); ev.preventDefault(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var done = true;
    switch (ev.key) {
      case "j": case "ArrowDown": move(1); break;
      case "k": case "ArrowUp": move(-1); break;
      case "a": done = press(["op-btn-ack", "op-btn-read"]); break;
      case "f": done = press(["op-btn-assign", "op-btn-dispatch", "op-btn-reassign"]); break;
      case "e": done = press(["op-btn-escalate"]); break;
      case "n": done = focus("op-note"); break;
      case "/": done = focus("op-search"); break;
      case "?": help(); break;
      case "Escape": help(false); break;
      default: done = false;
    }
    if (done) { ev.preventDefault(); ev.stopPropagation(); }
  }, true);
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t && t.id === "op-help-btn") { help(); }
    else if (t && (t.id === "op-help-close" || t.id === "op-help")) { help(false); }
  });
})();
