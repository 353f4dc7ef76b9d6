/* Loaded before the component libraries (app.py lists it in external_scripts; Dash's own asset
   loading, which comes after them, skips it). Written for this project.

   socket.io-client (inside dash-socketio) takes the browser's WebSocket constructor when its bundle
   loads. This makes that constructor one that also hands each text frame of a Socket.IO connection
   to `window.bccSocketFrame` when a page script has set it (assets/wall.js does), so the wall reads
   its live batches without going through a Dash prop. Nothing else changes for any socket. */
(function () {
  "use strict";
  var Native = window.WebSocket;
  if (!Native || Native.bccTapped) { return; }
  function Tapped(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (/\/socket\.io\//.test(String(url))) {
      ws.addEventListener("message", function (message) {
        if (typeof window.bccSocketFrame === "function") { window.bccSocketFrame(message); }
      });
    }
    return ws;
  }
  Tapped.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Tapped[k] = Native[k]; });
  Tapped.bccTapped = true;
  window.WebSocket = Tapped;
})();
