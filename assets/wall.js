/* Wall screen: map drawing functions (referenced from dash-leaflet props) and the clientside
   reducers that apply live batches incrementally. Written for this project. */
(function () {
  "use strict";

  var GROUP_COLORS = { infrastruktur: "#ffb020", pelayanan: "#36c5f0", lainnya: "#c792ea" };
  var BUS_STALE_MS = 2 * 60 * 1000;
  var NEW_PING_S = 4 * 1.6; /* the ping animation of .bcc-new in wall.css: 4 times 1.6 s */
  var OPEN = { baru: 1, dibaca: 1, diteruskan: 1, dikerjakan: 1 };
  var ACTIVE = { baru: 1, diterima: 1, dikirim: 1, di_lokasi: 1 };
  var STATUS_LABELS = {
    dibaca: "dibaca operator", diteruskan: "diteruskan ke", dikerjakan: "dikerjakan", selesai: "selesai",
    ditutup: "ditutup", ditolak: "ditolak", diterima: "diterima operator", dikirim: "petugas dikirim",
    di_lokasi: "petugas di lokasi", palsu: "alarm palsu"
  };
  var KIND_LABELS = {
    kejahatan: "Kejahatan", kebakaran: "Kebakaran", medis: "Medis", kecelakaan: "Kecelakaan",
    bencana: "Bencana", "tidak-diketahui": "Darurat"
  };

  /* Markers are sized in pixels by Leaflet: scale them with the screen (1 at 1080p, 2 at 4K). */
  function scale() { return Math.max(1, window.innerHeight / 1080); }
  function px(n) { return Math.round(n * scale()); }
  document.documentElement.style.setProperty("--s", String(scale()));
  window.addEventListener("resize", function () { document.documentElement.style.setProperty("--s", String(scale())); });

  function hideoutOf(context) {
    return (context && (context.hideout || (context.props && context.props.hideout))) || {};
  }

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function ageText(iso) {
    var s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    var m = Math.floor(s / 60);
    if (m >= 60) { return Math.floor(m / 60) + "j " + (m % 60) + "m"; }
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  /* Age labels inside Leaflet markers: Leaflet owns these nodes, so a plain timer updates them. */
  setInterval(function () {
    var nodes = document.querySelectorAll(".bcc-age[data-since]");
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = ageText(nodes[i].getAttribute("data-since")); }
  }, 1000);

  var map = {
    kelurahanStyle: function (feature, context) {
      var h = hideoutOf(context);
      var p = feature.properties || {};
      var v = (h.mode === "overdue" ? p.overdue : p.open) || 0;
      var max = Math.max(1, (h.mode === "overdue" ? h.maxOverdue : h.maxOpen) || 1);
      var t = Math.min(1, v / max);
      var color = h.mode === "overdue" ? "rgba(255,59,59," : "rgba(255,176,32,";
      return { color: "#3a4d6e", weight: 1, fillColor: v ? color + (0.12 + 0.55 * t) + ")" : "rgba(0,0,0,0)", fillOpacity: 1 };
    },
    kecamatanStyle: function () {
      return { color: "#b9c9e8", weight: 3, fill: false };
    },
    routeStyle: function (feature) {
      return { color: (feature.properties && feature.properties.color) || "#1f77b4", weight: 4, opacity: 0.55, dashArray: "8 6" };
    },
    complaintPoint: function (feature, latlng) {
      var p = feature.properties || {};
      return L.circleMarker(latlng, {
        radius: px(7), weight: (p.o || p.overdue) ? 3 : 1, color: (p.o || p.overdue) ? "#ff3b3b" : "#0b1220",
        fillColor: GROUP_COLORS[p.g || p.group] || "#999", fillOpacity: 0.9
      });
    },
    complaintCluster: function (feature, latlng) {
      var n = feature.properties.point_count;
      var size = px(n < 10 ? 34 : n < 100 ? 44 : 56);
      var icon = L.divIcon({
        html: "<div><span>" + feature.properties.point_count_abbreviated + "</span></div>",
        className: "bcc-cluster", iconSize: L.point(size, size)
      });
      return L.marker(latlng, { icon: icon });
    },
    newComplaintPoint: function (feature, latlng) {
      var p = feature.properties || {};
      /* The layer is redrawn with every batch, which used to restart the CSS ping (4 × 1.6 s, wall.css)
         of every new marker, so they pulsed, and repainted, for as long as batches kept coming.
         Resume the ping where it was since the complaint arrived, and stop it when it is done. */
      var age = p.arrived ? (Date.now() - p.arrived) / 1000 : 0;
      var ping = age >= NEW_PING_S ? "animation:none" : "animation-delay:-" + age.toFixed(2) + "s";
      var icon = L.divIcon({
        html: "<div class='bcc-new' style='background:" + (GROUP_COLORS[p.group] || "#999") + ";" + ping + "'></div>",
        className: "bcc-new-wrap", iconSize: L.point(px(26), px(26))
      });
      return L.marker(latlng, { icon: icon, zIndexOffset: 500 });
    },
    emergencyPoint: function (feature, latlng) {
      var p = feature.properties || {};
      var unack = p.status === "baru";
      var icon = L.divIcon({
        html: "<div class='bcc-sos" + (unack ? " pulsing" : "") + "'>SOS</div>" +
              "<div class='bcc-sos-label'>" + esc(KIND_LABELS[p.kind] || "Darurat") +
              " · <span class='bcc-age' data-since='" + esc(p.pressed_at) + "'>" + ageText(p.pressed_at) + "</span></div>",
        className: "bcc-sos-wrap", iconSize: L.point(px(64), px(64)), iconAnchor: L.point(px(32), px(32))
      });
      return L.marker(latlng, { icon: icon, zIndexOffset: 1000 });
    },
    busPoint: function (feature, latlng, context) {
      var p = feature.properties || {};
      var h = hideoutOf(context);
      var stale = Date.now() - Date.parse(p.last_recorded_at) > BUS_STALE_MS;
      var color = stale ? "#6b778c" : ((h.colors || {})[p.route_id] || "#1f77b4");
      var bearing = p.last_bearing_deg == null ? 0 : p.last_bearing_deg;
      var icon = L.divIcon({
        html: "<div class='bcc-bus" + (stale ? " stale" : "") + "' style='--c:" + color + "'>" +
              "<div class='arrow' style='transform: rotate(" + bearing + "deg)'></div></div>" +
              "<div class='bcc-bus-label'>" + esc(p.vehicle_id) + "</div>",
        className: "bcc-bus-wrap", iconSize: L.point(px(30), px(30)), iconAnchor: L.point(px(15), px(15))
      });
      return L.marker(latlng, { icon: icon, zIndexOffset: 200 });
    }
  };

  /* ---- live state ------------------------------------------------------------------------ */

  function point(lat, lon, props) {
    return { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties: props };
  }

  function applyBatch(liveBatch, pollBatch, state, newData, emData, busData, kelData, ticker, cfg) {
    var nu = window.dash_clientside.no_update;
    var trig = (window.dash_clientside.callback_context.triggered || [])[0] || {};
    var batch = (trig.prop_id || "").indexOf("wall-poll-batch") === 0 ? pollBatch : liveBatch;
    if (!batch || !state) { return [nu, nu, nu, nu, nu, nu, nu, nu, nu, nu]; }
    var before = { open: state.open, newToday: state.newToday, emActive: state.emActive };
    state = Object.assign({}, state);
    if (state.last && batch.prev !== state.last) {
      state.gap = (state.gap || 0) + 1; /* missed something: the server re-reads the snapshot */
    }
    state.last = batch.last;
    state.version = (state.version || 0) + 1;
    var groups = state.groups || {};
    var newFeatures = ((newData && newData.features) || []).slice();
    var known = state.known || {};
    var ems = {};
    ((emData && emData.features) || []).forEach(function (f) { ems[f.properties.id] = f; });
    var buses = {};
    ((busData && busData.features) || []).forEach(function (f) { buses[f.properties.vehicle_id] = f; });
    /* Only what a batch changes is returned; the rest stays no_update, so Dash and Leaflet redraw
       nothing else (a bus fix alone used to redraw every layer, and kept a 10 fps batch stream
       from fitting in the browser's time). */
    var changed = { fresh: false, em: false, bus: false, tick: false };
    var kel = null, kelIndex = null;
    function kelProps(code) { /* the kelurahan's counts, on a copy made at the first change */
      if (!kelData || !code) { return null; }
      if (!kel) {
        kel = Object.assign({}, kelData, { features: kelData.features.map(function (f) {
          return Object.assign({}, f, { properties: Object.assign({}, f.properties) }); /* geometry shared, never changed */
        }) });
        kelIndex = {};
        kel.features.forEach(function (f) { kelIndex[f.properties.code] = f.properties; });
      }
      return kelIndex[code] || null;
    }
    var tick = (ticker || []).slice();
    var now = new Date().toISOString();

    (batch.events || []).forEach(function (ev) {
      (ev.complaints || []).forEach(function (c) {
        if (known["c" + c.id]) { return; }
        known["c" + c.id] = 1;
        var group = groups[c.category_code] || "lainnya";
        newFeatures.push(point(c.lat, c.lon, { id: c.id, group: group, category: c.category_code, status: c.status, arrived: Date.now() }));
        changed.fresh = changed.tick = true;
        state.open = (state.open || 0) + 1;
        state.newToday = (state.newToday || 0) + 1;
        var kp = kelProps(c.kelurahan_code);
        if (kp) { kp.open = (kp.open || 0) + 1; }
        tick.unshift({ kind: "complaint", title: c.title, category: c.category_code, kelurahan: (state.kelNames || {})[c.kelurahan_code] || "", at: c.reported_at });
      });
      (ev.emergencies || []).forEach(function (e) {
        if (ems[e.id]) { return; }
        ems[e.id] = point(e.lat, e.lon, { id: e.id, kind: e.kind, status: e.status, pressed_at: e.pressed_at });
        changed.em = changed.tick = true;
        state.emActive = (state.emActive || 0) + 1;
        state.emUnack = (state.emUnack || 0) + 1;
        tick.unshift({ kind: "emergency", title: KIND_LABELS[e.kind] || "Darurat", category: e.kind, kelurahan: (state.kelNames || {})[e.kelurahan_code] || "", at: e.pressed_at });
      });
      (ev.vehicles || []).forEach(function (v) {
        var old = buses[v.vehicle_id];
        if (old && Date.parse(old.properties.last_recorded_at) >= Date.parse(v.last_recorded_at)) { return; }
        buses[v.vehicle_id] = point(v.last_lat, v.last_lon, v);
        changed.bus = true;
      });
      if (ev.type === "status") {
        if (ev.item_kind === "emergency" && ems[ev.item_id]) {
          var f = JSON.parse(JSON.stringify(ems[ev.item_id]));
          if (f.properties.status === "baru" && ev.to_status !== "baru") { state.emUnack = Math.max(0, (state.emUnack || 0) - 1); }
          f.properties.status = ev.to_status;
          if (ACTIVE[ev.to_status]) { ems[ev.item_id] = f; } else { delete ems[ev.item_id]; state.emActive = Math.max(0, (state.emActive || 0) - 1); }
          changed.em = true;
        }
        if (ev.item_kind === "complaint" && OPEN[ev.from_status] && !OPEN[ev.to_status]) {
          state.open = Math.max(0, (state.open || 0) - 1);
        }
        var what = (STATUS_LABELS[ev.to_status] || ev.to_status) + (ev.agency_code && (ev.to_status === "diteruskan" || ev.to_status === "dikerjakan") ? " " + ev.agency_code : "");
        tick.unshift({ kind: "status", title: (ev.item_kind === "emergency" ? "SOS" : "") + "#" + ev.item_id + " " + what, category: "", kelurahan: "", at: ev.at });
        changed.tick = true;
      }
    });
    state.known = known;
    state.maxOpen = 0;
    if (kel || kelData) { (kel || kelData).features.forEach(function (f) { state.maxOpen = Math.max(state.maxOpen, f.properties.open || 0); }); }
    var emList = Object.keys(ems).map(function (k) { return ems[k]; });
    state.oldestUnack = null;
    emList.forEach(function (f) {
      if (f.properties.status === "baru" && (!state.oldestUnack || f.properties.pressed_at < state.oldestUnack)) { state.oldestUnack = f.properties.pressed_at; }
    });
    state.updatedAt = now;
    tick = tick.slice(0, 12);
    return [
      state,
      changed.fresh ? { type: "FeatureCollection", features: newFeatures.slice(-2000) } : nu,
      changed.em ? { type: "FeatureCollection", features: emList } : nu,
      changed.bus ? { type: "FeatureCollection", features: Object.keys(buses).map(function (k) { return buses[k]; }) } : nu,
      kel || nu,
      changed.tick ? tick : nu,
      changed.tick ? renderTickerOnce(tick, cfg) : nu,
      state.open !== before.open ? fmtNum(state.open) : nu,
      state.newToday !== before.newToday ? fmtNum(state.newToday) : nu,
      state.emActive !== before.emActive ? fmtNum(state.emActive) : nu
    ];
  }

  var TEXT = {
    id: { sound_off: "SUARA MATI — klik untuk aktifkan", sound_on: "SUARA AKTIF", live_on: "LANGSUNG",
          live_off: "TERPUTUS — menyambung ulang…", silent: "SENYAP", never: "belum ada data",
          oldest: "tertua belum diterima ", none_unack: "semua sudah diterima", empty: "Menunggu kejadian…",
          shade_open: "Peta: pengaduan terbuka", shade_overdue: "Peta: pengaduan terlambat",
          legend_open: "Pengaduan terbuka per kelurahan", legend_overdue: "Pengaduan terlambat per kelurahan",
          s: " dtk", m: " mnt", h: " jam", emergency: "DARURAT", complaint: "Pengaduan", status: "Status" },
    en: { sound_off: "SOUND OFF — click to enable", sound_on: "SOUND ON", live_on: "LIVE",
          live_off: "DISCONNECTED — reconnecting…", silent: "SILENT", never: "no data yet",
          oldest: "oldest unacknowledged ", none_unack: "all acknowledged", empty: "Waiting for events…",
          shade_open: "Map: open complaints", shade_overdue: "Map: overdue complaints",
          legend_open: "Open complaints per kelurahan", legend_overdue: "Overdue complaints per kelurahan",
          s: " s", m: " min", h: " h", emergency: "EMERGENCY", complaint: "Complaint", status: "Status" }
  };
  var SILENT_AFTER_S = 120;

  function tx(cfg, key) { var lang = (cfg && cfg.lang) || "id"; return (TEXT[lang] || TEXT.id)[key]; }

  /* one formatter for every ticker line: toLocaleTimeString builds a new one per call, which was
     the most expensive part of drawing the ticker */
  var WIB_HM = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hour12: false });
  function wibTime(iso) {
    return WIB_HM.format(new Date(iso)).replace(".", ":");
  }

  function ago(cfg, iso) {
    if (!iso) { return tx(cfg, "never"); }
    var s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) { return s + tx(cfg, "s"); }
    if (s < 7200) { return Math.floor(s / 60) + tx(cfg, "m"); }
    return Math.floor(s / 3600) + tx(cfg, "h");
  }

  function el(type, props, children) {
    return { type: type, namespace: "dash_html_components", props: Object.assign({ children: children }, props || {}) };
  }

  function fmtNum(n) { return (n == null ? "—" : String(n)); }

  function tickerChildren(items, cfg) {
    if (!items || !items.length) { return tx(cfg, "empty"); }
    return items.map(function (it) {
      var label = it.kind === "emergency" ? tx(cfg, "emergency") : it.kind === "status" ? tx(cfg, "status") : tx(cfg, "complaint");
      return el("Span", { className: "tick " + it.kind }, [
        el("B", {}, wibTime(it.at)), " ", el("Span", { className: "tag" }, label), " ",
        it.title || "", it.kelurahan ? " — " + it.kelurahan : ""
      ]);
    });
  }

  /* the ticker items applyBatch drew, so that renderTicker does not draw them a second time */
  var lastTicker = { items: null, lang: null };
  function renderTickerOnce(items, cfg) {
    lastTicker = { items: items, lang: cfg && cfg.lang };
    return tickerChildren(items, cfg);
  }
  function sameItems(a, b) {
    if (!a || !b || a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) {
      if (a[i].kind !== b[i].kind || a[i].title !== b[i].title || a[i].at !== b[i].at || a[i].kelurahan !== b[i].kelurahan) { return false; }
    }
    return true;
  }

  /* `value`, or no_update when that is what is shown already (each update costs Dash a redraw) */
  function changedTo(value, shown) { return value === shown ? window.dash_clientside.no_update : value; }

  window.bccWall = map;
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    wall: {
      applyBatch: applyBatch,
      ageText: ageText,
      pollWhenOffline: function (connected, cfg) {
        return !!connected && !(cfg && cfg.transport === "poll");
      },
      resyncOnGap: function (state, current) {
        var gap = (state && state.gap) || 0;
        return gap > 0 && gap !== current ? gap : window.dash_clientside.no_update;
      },
      renderInstant: function (state, shadeClicks, cfg, kel, shownOpen, shownNew, shownEm, shownHideout) {
        var nu = window.dash_clientside.no_update;
        if (!state) { return [nu, nu, nu, nu]; }
        var overdueMode = ((cfg && cfg.shade) === "overdue") !== ((shadeClicks || 0) % 2 === 1);
        var maxOpen = 1, maxOverdue = 1;
        ((kel && kel.features) || []).forEach(function (f) {
          maxOpen = Math.max(maxOpen, f.properties.open || 0);
          maxOverdue = Math.max(maxOverdue, f.properties.overdue || 0);
        });
        var btn = document.getElementById("wall-shade-btn");
        if (btn) { btn.textContent = tx(cfg, overdueMode ? "shade_overdue" : "shade_open"); }
        var title = document.getElementById("wall-legend-title");
        if (title) { title.textContent = tx(cfg, overdueMode ? "legend_overdue" : "legend_open"); }
        var mx = document.getElementById("wall-legend-max");
        if (mx) { mx.textContent = String(overdueMode ? maxOverdue : maxOpen); }
        var hideout = { mode: overdueMode ? "overdue" : "open", maxOpen: maxOpen, maxOverdue: maxOverdue };
        var sh = shownHideout || {};
        return [changedTo(fmtNum(state.open), shownOpen), changedTo(fmtNum(state.newToday), shownNew),
                changedTo(fmtNum(state.emActive), shownEm),
                sh.mode === hideout.mode && sh.maxOpen === maxOpen && sh.maxOverdue === maxOverdue ? nu : hideout];
      },
      renderTicker: function (items, cfg) {
        /* applyBatch has drawn these items already when they came from a live batch */
        var ticker = document.getElementById("wall-ticker");
        if (sameItems(items, lastTicker.items) && (cfg && cfg.lang) === lastTicker.lang && ticker &&
            ticker.querySelectorAll(".tick").length === items.length) {
          return window.dash_clientside.no_update;
        }
        return tickerChildren(items, cfg);
      },
      clock: function (n, connected, state, health, cfg) {
        var now = new Date();
        var time = now.toLocaleTimeString("id-ID", { timeZone: "Asia/Jakarta", hour12: false }).replace(/\./g, ":") + " WIB";
        var date = now.toLocaleDateString((cfg && cfg.lang) === "en" ? "en-GB" : "id-ID",
          { timeZone: "Asia/Jakarta", weekday: "long", day: "numeric", month: "long", year: "numeric" });
        var oldest = state && state.emUnack > 0 && state.oldestUnack ? tx(cfg, "oldest") + ageText(state.oldestUnack) : tx(cfg, "none_unack");
        var chips = [el("Span", { className: "chip " + (connected ? "ok" : "bad") }, connected ? tx(cfg, "live_on") : tx(cfg, "live_off"))];
        (health || []).forEach(function (h) {
          var age = h.last ? (Date.now() - Date.parse(h.last)) / 1000 : null;
          var silent = age === null || age > (h.silentAfter || SILENT_AFTER_S);
          chips.push(el("Span", { className: "chip " + (silent ? "bad" : "ok") },
            h.label + ": " + ago(cfg, h.last) + (silent ? " — " + tx(cfg, "silent") : "")));
        });
        return [time, date, oldest, chips];
      },
      /* every 15 s redraw the buses so that one without a fix for 2 minutes turns grey */
      restyleBuses: function (n, data) {
        if (!data || !n || n % 15 !== 0) { return window.dash_clientside.no_update; }
        return { type: "FeatureCollection", features: data.features.slice() };
      },
      kpiTick: function (n, state, trigger) {
        var v = (state && state.version) || 0;
        if (trigger && trigger.version === v) { return window.dash_clientside.no_update; }
        return { version: v };
      },
      /* sound: browsers need one click before audio may play */
      enableSound: function (n) {
        if (!n) { return window.dash_clientside.no_update; }
        var audio = document.getElementById("wall-alarm-audio");
        if (audio) { audio.muted = false; audio.play().then(function () { audio.pause(); audio.currentTime = 0; }).catch(function () {}); }
        return true;
      },
      alarm: function (state, soundOn, cfg, shownRoot, shownBtn, shownBtnClass) {
        var unack = (state && state.emUnack) || 0;
        var audio = document.getElementById("wall-alarm-audio");
        if (audio) {
          if (unack > 0 && soundOn) { audio.loop = true; audio.play().catch(function () {}); }
          else { audio.pause(); audio.currentTime = 0; }
        }
        return [changedTo(unack > 0 ? "wall alarm" : "wall", shownRoot), changedTo(tx(cfg, soundOn ? "sound_on" : "sound_off"), shownBtn),
                changedTo(soundOn ? "sound-btn on" : "sound-btn off", shownBtnClass)];
      }
    }
  });
})();
