/* Sends the CSRF token with every same-origin POST (Dash callbacks included), and goes to the login
   page when the server says the session ended (idle timeout: X-BCC-Signed-Out). Written for this project. */
(function () {
  "use strict";
  function token() {
    var m = document.cookie.match(/(?:^|;\s*)bcc_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  var original = window.fetch;
  window.fetch = function (input, init) {
    init = init || {};
    var method = (init.method || (input && input.method) || "GET").toUpperCase();
    var url = typeof input === "string" ? input : (input && input.url) || "";
    var sameOrigin = url.indexOf("://") === -1 || url.indexOf(window.location.origin) === 0;
    if (method !== "GET" && method !== "HEAD" && sameOrigin) {
      var headers = new Headers(init.headers || (input && input.headers) || {});
      if (!headers.has("X-CSRFToken")) { headers.set("X-CSRFToken", token()); }
      init.headers = headers;
    }
    return original.call(this, input, init).then(function (response) {
      if (sameOrigin && response.headers && response.headers.get("X-BCC-Signed-Out") === "idle") {
        var here = window.location.pathname + window.location.search;
        window.location.assign("/masuk?habis=1&next=" + encodeURIComponent(here));
      }
      return response;
    });
  };
})();
