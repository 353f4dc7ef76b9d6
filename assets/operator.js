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
