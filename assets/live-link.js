/* The console's and the agency view's live-link check (dashboard/live_link.py): every second, was a
   heartbeat heard within cfg.staleMs and is the socket connected? If not, a banner says since when the
   data is not live and the queue polls every cfg.pollMs until the heartbeat is back. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  liveLink: {
    check: function (_n, beat, connected, cfg) {
      var nu = window.dash_clientside.no_update;
      if (!cfg) { return [nu, nu, nu]; }
      var st = window.bccLiveLink || (window.bccLiveLink = { beat: null, heardAt: Date.now(), lostAt: null });
      var now = Date.now();
      if (beat && beat !== st.beat) { st.beat = beat; st.heardAt = now; }
      var stale = !connected || now - st.heardAt > cfg.staleMs;
      if (!stale) {
        st.lostAt = null;
        return ["", true, cfg.normalPollMs];
      }
      if (st.lostAt === null) { st.lostAt = Math.min(st.heardAt, now); }
      var time = new Date(st.lostAt).toLocaleTimeString("id-ID", {
        timeZone: cfg.timeZone, hour: "2-digit", minute: "2-digit", hour12: false
      }).replace(".", ":");
      return [cfg.text.replace("{time}", time), false, cfg.pollMs];
    }
  }
});
