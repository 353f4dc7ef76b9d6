/* Wall screen, browser side. Written for this project.

   Dash draws the page, the server snapshot (the clustered complaints, the kelurahan shading) and the
   KPIs that need the database. Everything live goes around Dash: a live batch is applied here, to
   Leaflet layers and DOM nodes this file owns (new complaints, emergencies, buses, the ticker, three
   counters), coalesced to one update per animation frame. Updating Dash stores per batch made Dash
   re-render on every batch and kept the main thread too busy for 100 events/s (docs/wall.md).

   Batches carry `prev` and `last` stream ids and every event its own id (`sid`): a gap is filled by
   asking the server for the entries after the last applied id (GET /wall/changes), and an event
   that arrives twice is applied once. Only when the gap is older than the capped change stream does
   the page ask Dash for a new snapshot. */
(function () {
  "use strict";

  var GROUP_COLORS = { infrastruktur: "#ffb020", pelayanan: "#36c5f0", lainnya: "#c792ea" };
  var BUS_STALE_MS = 2 * 60 * 1000;
  var PING_MS = 4 * 1600; /* the ping animation of .bcc-ping in wall.css: 4 times 1.6 s */
  var MAX_PINGS = 20; /* animated rings at once; beyond that new points appear without one */
  var MAX_FRESH = 2000; /* new points kept in the live layer; the next snapshot has them all */
  var TICKER_ITEMS = 12;
  var KEL_EVERY_MS = 1000; /* kelurahan shading follows the counts at most once a second */
  var CATCH_UP_PAGES = 5; /* further behind than this many pages (2000 entries each): snapshot */
  var OPEN = { baru: 1, dibaca: 1, diteruskan: 1, dikerjakan: 1 };
  var ACTIVE = { baru: 1, diterima: 1, dikirim: 1, di_lokasi: 1 };
  /* Status and emergency-kind words, per language (?lang=en); the page's language is live.cfg.lang. */
  var STATUS_LABELS = {
    id: { dibaca: "dibaca operator", diteruskan: "diteruskan ke", dikerjakan: "dikerjakan", selesai: "selesai",
          ditutup: "ditutup", ditolak: "ditolak", diterima: "diterima operator", dikirim: "petugas dikirim",
          di_lokasi: "petugas di lokasi", palsu: "alarm palsu" },
    en: { dibaca: "read by operator", diteruskan: "forwarded to", dikerjakan: "in progress", selesai: "resolved",
          ditutup: "closed", ditolak: "rejected", diterima: "acknowledged", dikirim: "unit dispatched",
          di_lokasi: "unit on scene", palsu: "false alarm" }
  };
  var KIND_LABELS = {
    id: { kejahatan: "Kejahatan", kebakaran: "Kebakaran", medis: "Medis", kecelakaan: "Kecelakaan",
          bencana: "Bencana", "tidak-diketahui": "Darurat" },
    en: { kejahatan: "Crime", kebakaran: "Fire", medis: "Medical", kecelakaan: "Accident",
          bencana: "Disaster", "tidak-diketahui": "Emergency" }
  };
  function langOf() { return (typeof live !== "undefined" && live && live.cfg && live.cfg.lang) || "id"; }
  function wordsFor(table) { return table[langOf()] || table.id; }
  function kindLabel(kind) { return wordsFor(KIND_LABELS)[kind] || wordsFor(KIND_LABELS)["tidak-diketahui"]; }
  function statusLabel(status) { return wordsFor(STATUS_LABELS)[status] || status; }
  var TEXT = {
    id: { sound_off: "SUARA MATI — klik untuk aktifkan", sound_on: "SUARA AKTIF", live_on: "LANGSUNG",
          live_off: "TERPUTUS — menyambung ulang…", silent: "SENYAP", never: "belum ada data",
          oldest: "tertua belum diterima ", none_unack: "semua sudah diterima", empty: "Menunggu kejadian…",
          shade_open: "Peta: pengaduan terbuka", shade_overdue: "Peta: pengaduan terlambat",
          legend_open: "Pengaduan terbuka per kelurahan", legend_overdue: "Pengaduan terlambat per kelurahan",
          s: " dtk", m: " mnt", h: " jam", emergency: "DARURAT", complaint: "Pengaduan", status: "Status",
          ago: " lalu", refused: " ditolak", more: " lainnya", oldest_short: "tertua ", no_emergency: "tidak ada darurat aktif",
          stored_title: "Waktu sejak item terbaru TERSIMPAN (bukan entri yang masuk); 'ditolak' = entri dibuang (duplikat/tidak sah) sejak itu" },
    en: { sound_off: "SOUND OFF — click to enable", sound_on: "SOUND ON", live_on: "LIVE",
          live_off: "DISCONNECTED — reconnecting…", silent: "SILENT", never: "no data yet",
          oldest: "oldest unacknowledged ", none_unack: "all acknowledged", empty: "Waiting for events…",
          shade_open: "Map: open complaints", shade_overdue: "Map: overdue complaints",
          legend_open: "Open complaints per kelurahan", legend_overdue: "Overdue complaints per kelurahan",
          s: " s", m: " min", h: " h", emergency: "EMERGENCY", complaint: "Complaint", status: "Status",
          ago: " ago", refused: " refused", more: " more", oldest_short: "oldest ", no_emergency: "no active emergency",
          stored_title: "Time since the newest item was STORED (not entries arriving); 'refused' = entries discarded (duplicate/invalid) since" }
  };
  var SILENT_AFTER_S = 120;
  /* Emergencies closer than this box (width, height in vh) share one marker: its label is at most
     this wide and the disc plus label this tall, so separate markers never cover each other. */
  var SOS_BOX_VH = [28, 12];

  /* Markers are sized in pixels by Leaflet: scale them with the screen (1 at 1080p, 2 at 4K). */
  function scale() { return Math.max(1, window.innerHeight / 1080); }
  function px(n) { return Math.round(n * scale()); }
  function vh(n) { return Math.round(n * window.innerHeight / 100); }
  document.documentElement.style.setProperty("--s", String(scale()));
  window.addEventListener("resize", function () { document.documentElement.style.setProperty("--s", String(scale())); });

  function nu() { return window.dash_clientside.no_update; }
  function tx(cfg, key) { var lang = (cfg && cfg.lang) || "id"; return (TEXT[lang] || TEXT.id)[key]; }

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function ageText(iso) {
    var s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    var m = Math.floor(s / 60);
    if (m >= 60) { return Math.floor(m / 60) + (langOf() === "en" ? "h " : "j ") + (m % 60) + "m"; }
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function ago(cfg, iso) {
    if (!iso) { return tx(cfg, "never"); }
    var s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) { return s + tx(cfg, "s"); }
    if (s < 7200) { return Math.floor(s / 60) + tx(cfg, "m"); }
    return Math.floor(s / 3600) + tx(cfg, "h");
  }

  /* one formatter for every ticker line: toLocaleTimeString builds a new one per call */
  var WIB_HM = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hour12: false });
  function wibTime(iso) { return WIB_HM.format(new Date(iso)).replace(".", ":"); }

  /* Redis stream ids "ms-seq" compare as two numbers (as text "9-0" > "10-0"). */
  function cmpId(a, b) {
    var pa = a.split("-"), pb = b.split("-");
    var d = Number(pa[0]) - Number(pb[0]);
    return d !== 0 ? d : Number(pa[1]) - Number(pb[1]);
  }

  /* Age labels inside markers: Leaflet owns these nodes, so a plain timer updates them. */
  setInterval(function () {
    var nodes = document.querySelectorAll(".bcc-age[data-since]");
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = ageText(nodes[i].getAttribute("data-since")); }
  }, 1000);

  /* ---- drawing functions referenced from dash-leaflet props (the snapshot layers) ------------- */

  function hideoutOf(context) {
    return (context && (context.hideout || (context.props && context.props.hideout))) || {};
  }

  var mapFns = {
    kelurahanStyle: function (feature, context) {
      var h = hideoutOf(context);
      var p = feature.properties || {};
      var c = (h.counts || {})[p.code] || [p.open || 0, p.overdue || 0];
      var v = (h.mode === "overdue" ? c[1] : c[0]) || 0;
      var max = Math.max(1, (h.mode === "overdue" ? h.maxOverdue : h.maxOpen) || 1);
      var t = Math.min(1, v / max);
      var color = h.mode === "overdue" ? "rgba(255,59,59," : "rgba(255,176,32,";
      return { color: "#3a4d6e", weight: 1, fillColor: v ? color + (0.12 + 0.55 * t) + ")" : "rgba(0,0,0,0)", fillOpacity: 1 };
    },
    kecamatanStyle: function () {
      return { color: "#b9c9e8", weight: px(3), fill: false };
    },
    routeStyle: function (feature) {
      return { color: (feature.properties && feature.properties.color) || "#3d8bff", weight: px(4), opacity: 0.7,
               dashArray: px(8) + " " + px(6) };
    },
    complaintPoint: function (feature, latlng) {
      var p = feature.properties || {};
      return L.circleMarker(latlng, {
        radius: px(7), weight: p.o ? 3 : 1, color: p.o ? "#ff3b3b" : "#0b1220",
        fillColor: GROUP_COLORS[p.g] || "#999", fillOpacity: 0.9, interactive: false
      });
    },
    complaintCluster: function (feature, latlng) {
      var n = feature.properties.point_count;
      var size = px(n < 10 ? 34 : n < 100 ? 44 : 56);
      var icon = L.divIcon({
        html: "<div><span>" + feature.properties.point_count_abbreviated + "</span></div>",
        className: "bcc-cluster", iconSize: L.point(size, size)
      });
      return L.marker(latlng, { icon: icon, interactive: false });
    }
  };

  /* ---- markers this file owns ------------------------------------------------------------------ */

  /* One marker for one emergency or for several close together (`items`, oldest first): the disc
     says "SOS" (or "3 SOS"), the label the kind (or "oldest") and the age. */
  function emergencyIcon(items) {
    var pulsing = items.some(function (p) { return p.status === "baru"; });
    var first = items[0], many = items.length > 1;
    var disc = many ? "<span class='bcc-sos-n'>" + items.length + "</span>SOS" : "SOS";
    var what = many ? tx(live.cfg, "oldest_short") : esc(kindLabel(first.kind)) + " · ";
    return L.divIcon({
      html: "<div class='bcc-sos" + (pulsing ? " pulsing" : "") + "'>" + disc + "</div>" +
            "<div class='bcc-sos-label'>" + what +
            "<span class='bcc-age' data-since='" + esc(first.pressed_at) + "'>" + ageText(first.pressed_at) + "</span></div>",
      className: "bcc-sos-wrap", iconSize: L.point(vh(SOS_BOX_VH[0]), vh(SOS_BOX_VH[1])),
      iconAnchor: L.point(vh(SOS_BOX_VH[0] / 2), vh(3.5))
    });
  }

  function busLook(p, colors) {
    var stale = Date.now() - Date.parse(p.last_recorded_at) > BUS_STALE_MS;
    return { stale: stale, color: stale ? "#6b778c" : (colors[p.route_id] || "#3d8bff") };
  }

  /* the route's number, not the vehicle id: a few large labels instead of many small ones */
  function routeLabel(routeId) {
    if (!routeId) { return "?"; }
    return (live.routeLabels && live.routeLabels[routeId]) || String(routeId).split("-").pop().slice(0, 4);
  }

  function busIcon(p, look) {
    var bearing = p.last_bearing_deg == null ? 0 : p.last_bearing_deg;
    return L.divIcon({
      html: "<div class='bcc-bus" + (look.stale ? " stale" : "") + "' style='--c:" + look.color + "'>" +
            "<div class='arrow' style='transform: rotate(" + Number(bearing) + "deg)'></div>" +
            "<span class='route'>" + esc(routeLabel(p.route_id)) + "</span></div>",
      className: "bcc-bus-wrap", iconSize: L.point(vh(8), vh(8)), iconAnchor: L.point(vh(4), vh(4))
    });
  }

  function pingIcon(color) {
    return L.divIcon({
      html: "<div class='bcc-new' style='background:" + color + "'><i class='bcc-ping'></i></div>",
      className: "bcc-new-wrap", iconSize: L.point(px(26), px(26))
    });
  }

  /* ---- the live engine ------------------------------------------------------------------------ */

  var live = {
    cfg: null, map: null, layers: null, ready: false,
    last: null, version: 0,
    open: 0, newToday: 0, known: new Set(), openIds: new Set(),
    ems: {}, buses: {}, fresh: [], pings: 0, colors: {}, routeLabels: {}, groups: {}, kelNames: {}, kel: {},
    ticker: [], shade: "open",
    queue: [], waiting: [], fetching: false, frame: false, snapshotAsked: false,
    dirty: { counts: false, ticker: false, kel: false, alarm: false, ems: false },
    shown: { open: null, newToday: null, emActive: null, unack: null },
    kelTimer: null, kelAt: 0, connected: false, health: [], unack: 0, oldestUnack: null,
    stats: { batches: 0, events: 0, gaps: 0, catchUps: 0, polls: 0, snapshots: 0, resyncs: 0 }
  };
  window.bccLive = live;

  /* dash-leaflet creates the Leaflet map; Leaflet's init hooks tell us which one is the wall's. */
  function attachMap(m) {
    live.map = m;
    if (!live.layers) {
      live.layers = { fresh: L.layerGroup(), pings: L.layerGroup(), buses: L.layerGroup(), ems: L.layerGroup() };
    }
    ["fresh", "pings", "buses", "ems"].forEach(function (k) { live.layers[k].addTo(m); });
    m.on("load resize zoomend moveend", function () { live.dirty.ems = true; schedule(); });
    live.dirty.ems = true;
    m.whenReady(function () { setTimeout(fitCity, 0); });
  }

  /* The whole city, right of the legend (which would otherwise cover its western kelurahan), at
     any screen size: refitted when the window changes (a wall never pans). */
  function fitCity() {
    var m = live.map, bounds = live.cfg && live.cfg.bounds, legend = document.getElementById("wall-legend");
    if (!m || !bounds) { return; }
    m.invalidateSize({ pan: false });
    var pad = vh(1.5), left = legend ? legend.getBoundingClientRect().width + 2 * pad : pad;
    m.fitBounds(bounds, { paddingTopLeft: [left, pad], paddingBottomRight: [pad, pad], animate: false });
  }
  window.addEventListener("resize", function () { setTimeout(fitCity, 0); });
  if (window.L && L.Map && L.Map.addInitHook) {
    L.Map.addInitHook(function () {
      var el = this.getContainer && this.getContainer();
      if (el && el.id === "wall-map") { attachMap(this); }
    });
  }

  function setText(id, value, key) {
    if (live.shown[key] === value) { return; }
    var el = document.getElementById(id);
    if (el) { el.textContent = value == null ? "—" : String(value); live.shown[key] = value; }
  }

  function emCounts() {
    var active = 0, unack = 0, oldest = null;
    Object.keys(live.ems).forEach(function (k) {
      var p = live.ems[k].p;
      active++;
      if (p.status === "baru") { unack++; if (!oldest || p.pressed_at < oldest) { oldest = p.pressed_at; } }
    });
    return { active: active, unack: unack, oldest: oldest };
  }

  function setDashProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) { window.dash_clientside.set_props(id, props); }
  }

  function kelHideout() {
    var counts = {}, maxOpen = 1, maxOverdue = 1;
    Object.keys(live.kel).forEach(function (code) {
      var c = live.kel[code];
      counts[code] = [c.open || 0, c.overdue || 0];
      maxOpen = Math.max(maxOpen, c.open || 0);
      maxOverdue = Math.max(maxOverdue, c.overdue || 0);
    });
    return { mode: live.shade, maxOpen: maxOpen, maxOverdue: maxOverdue, counts: counts };
  }

  function drawLegend(h) {
    var cfg = live.cfg, overdue = h.mode === "overdue";
    var btn = document.getElementById("wall-shade-btn");
    if (btn) { btn.textContent = tx(cfg, overdue ? "shade_overdue" : "shade_open"); }
    var title = document.getElementById("wall-legend-title");
    if (title) { title.textContent = tx(cfg, overdue ? "legend_overdue" : "legend_open"); }
    var mx = document.getElementById("wall-legend-max");
    if (mx) { mx.textContent = String(overdue ? h.maxOverdue : h.maxOpen); }
  }

  /* the shading is a Dash prop (dash-leaflet restyles 37 polygons): at most once a second */
  function pushKel() {
    live.kelTimer = null;
    live.kelAt = Date.now();
    live.dirty.kel = false;
    var h = kelHideout();
    drawLegend(h);
    setDashProps("wall-kelurahan", { hideout: h });
  }
  function scheduleKel() {
    if (live.kelTimer) { return; }
    live.kelTimer = setTimeout(pushKel, Math.max(0, live.kelAt + KEL_EVERY_MS - Date.now()));
  }

  function addTicker(item) {
    var key = item.kind + ":" + item.key;
    for (var i = 0; i < live.ticker.length; i++) { if (live.ticker[i].k === key) { return; } }
    item.k = key;
    live.ticker.unshift(item);
    if (live.ticker.length > TICKER_ITEMS) { live.ticker.length = TICKER_ITEMS; }
    live.dirty.ticker = true;
  }

  function drawTicker() {
    var box = document.getElementById("wall-ticker");
    if (!box) { return; }
    var cfg = live.cfg;
    if (!live.ticker.length) { box.textContent = tx(cfg, "empty"); return; }
    var frag = document.createDocumentFragment();
    live.ticker.forEach(function (it) {
      var line = document.createElement("span");
      line.className = "tick " + it.kind;
      var b = document.createElement("b");
      b.textContent = wibTime(it.at);
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = tx(cfg, it.kind === "emergency" ? "emergency" : it.kind === "status" ? "status" : "complaint");
      line.appendChild(b);
      line.appendChild(document.createTextNode(" "));
      line.appendChild(tag);
      line.appendChild(document.createTextNode(" " + (it.title || "") + (it.kelurahan ? " — " + it.kelurahan : "")));
      frag.appendChild(line);
    });
    box.replaceChildren(frag);
    fitTicker();
  }

  /* A ticker line cut at the screen's edge cannot be read: lines that do not fit whole are hidden. */
  function fitTicker() {
    var box = document.getElementById("wall-ticker");
    if (!box) { return; }
    var right = box.getBoundingClientRect().right + 0.5;
    var ticks = box.querySelectorAll(".tick");
    for (var i = 0; i < ticks.length; i++) {
      ticks[i].classList.toggle("hidden-tick", ticks[i].getBoundingClientRect().right > right);
    }
  }

  /* As many agency rows as fit the panel, no half row: the fastest first and always the slowest
     (the one to call), the ones between counted in "+N lainnya". */
  function fitAgencies() {
    var box = document.getElementById("wall-agencies"), more = document.getElementById("wall-agencies-more");
    if (!box || !more) { return; }
    var rows = box.querySelectorAll(".agency-row");
    for (var i = 0; i < rows.length; i++) { rows[i].classList.remove("hidden-row"); }
    more.textContent = "";
    var hidden = 0, last = rows[rows.length - 1];
    for (var n = rows.length - 2; n >= 0; n--) {
      if (last.getBoundingClientRect().bottom <= box.getBoundingClientRect().bottom + 0.5) { break; }
      rows[n].classList.add("hidden-row");
      hidden++;
      more.textContent = "+" + hidden + tx(live.cfg, "more"); /* takes room too: checked again */
    }
  }
  window.addEventListener("resize", function () { fitTicker(); if (agencyObserver) { refitAgencies(); } });

  function setEmergency(p) {
    live.ems[p.id] = { p: p };
    live.dirty.ems = true;
  }

  function dropEmergency(id) {
    if (!live.ems[id]) { return; }
    delete live.ems[id];
    live.dirty.ems = true;
  }

  /* Emergencies are few: redrawn together, those within SOS_BOX_VH of an earlier one in its marker. */
  function drawEmergencies() {
    if (!live.layers || !live.map || !live.map._loaded) { return; } /* drawn once the map has its view */
    live.dirty.ems = false;
    var list = Object.keys(live.ems).map(function (k) { return live.ems[k].p; });
    list.sort(function (a, b) { return Date.parse(a.pressed_at) - Date.parse(b.pressed_at); });
    var w = vh(SOS_BOX_VH[0]), h = vh(SOS_BOX_VH[1]), groups = [];
    list.forEach(function (p) {
      var pt = live.map.latLngToContainerPoint([p.lat, p.lon]);
      for (var i = 0; i < groups.length; i++) {
        if (Math.abs(groups[i].pt.x - pt.x) < w && Math.abs(groups[i].pt.y - pt.y) < h) { groups[i].items.push(p); return; }
      }
      groups.push({ pt: pt, at: [p.lat, p.lon], items: [p] });
    });
    live.layers.ems.clearLayers();
    groups.forEach(function (g) {
      live.layers.ems.addLayer(L.marker(g.at, { icon: emergencyIcon(g.items), zIndexOffset: 1000, interactive: false }));
    });
  }

  function setBus(p) {
    var b = live.buses[p.vehicle_id];
    var look = busLook(p, live.colors);
    if (!b) {
      var marker = L.marker([p.last_lat, p.last_lon], { icon: busIcon(p, look), zIndexOffset: 200, interactive: false });
      live.buses[p.vehicle_id] = { p: p, look: look, marker: marker };
      if (live.layers) { live.layers.buses.addLayer(marker); }
      return;
    }
    if (Date.parse(b.p.last_recorded_at) >= Date.parse(p.last_recorded_at)) { return; } /* never backwards */
    b.marker.setLatLng([p.last_lat, p.last_lon]);
    var el = b.marker.getElement && b.marker.getElement();
    if (look.stale !== b.look.stale || look.color !== b.look.color || !el) {
      b.marker.setIcon(busIcon(p, look));
    } else if (p.last_bearing_deg !== b.p.last_bearing_deg) {
      var arrow = el.querySelector(".arrow");
      if (arrow) { arrow.style.transform = "rotate(" + Number(p.last_bearing_deg || 0) + "deg)"; }
    }
    b.p = p;
    b.look = look;
  }

  /* a bus without a fix for 2 minutes turns grey by itself */
  setInterval(function () {
    Object.keys(live.buses).forEach(function (k) {
      var b = live.buses[k];
      var look = busLook(b.p, live.colors);
      if (look.stale !== b.look.stale) { b.look = look; b.marker.setIcon(busIcon(b.p, look)); }
    });
  }, 5000);

  function addFresh(c, group) {
    var color = GROUP_COLORS[group] || "#999";
    var dot = L.circleMarker([c.lat, c.lon], {
      radius: px(10), weight: px(3), color: "#ffffff", fillColor: color, fillOpacity: 0.95, interactive: false
    });
    live.fresh.push(dot);
    if (live.layers) {
      live.layers.fresh.addLayer(dot);
      if (live.fresh.length > MAX_FRESH) { live.layers.fresh.removeLayer(live.fresh.shift()); }
      if (live.pings < MAX_PINGS) { /* a ring that grows and fades (transform and opacity only) */
        var ring = L.marker([c.lat, c.lon], { icon: pingIcon(color), zIndexOffset: 500, interactive: false });
        live.pings++;
        live.layers.pings.addLayer(ring);
        setTimeout(function () { live.layers.pings.removeLayer(ring); live.pings--; }, PING_MS);
      }
    } else if (live.fresh.length > MAX_FRESH) { live.fresh.shift(); }
  }

  function applyEvent(ev) {
    if (ev.sid) {
      if (live.last && cmpId(ev.sid, live.last) <= 0) { return; } /* had it already */
      live.last = ev.sid;
    }
    live.stats.events++;
    (ev.complaints || []).forEach(function (c) {
      var key = "c" + c.id;
      if (live.known.has(key)) { return; }
      live.known.add(key);
      var group = live.groups[c.category_code] || "lainnya";
      if (OPEN[c.status || "baru"]) {
        live.openIds.add(c.id);
        live.open++;
        if (c.kelurahan_code) {
          var k = live.kel[c.kelurahan_code] = live.kel[c.kelurahan_code] || { open: 0, overdue: 0 };
          k.open++;
          live.dirty.kel = true;
        }
      }
      live.newToday++;
      live.dirty.counts = true;
      addFresh(c, group);
      addTicker({ kind: "complaint", key: c.id, title: c.title, kelurahan: live.kelNames[c.kelurahan_code] || "", at: c.reported_at });
    });
    (ev.emergencies || []).forEach(function (e) {
      if (live.ems[e.id]) { return; }
      if (ACTIVE[e.status || "baru"]) { setEmergency({ id: e.id, kind: e.kind, status: e.status || "baru", pressed_at: e.pressed_at, lat: e.lat, lon: e.lon }); }
      live.dirty.counts = live.dirty.alarm = true;
      addTicker({ kind: "emergency", key: e.id, title: kindLabel(e.kind), kelurahan: live.kelNames[e.kelurahan_code] || "", at: e.pressed_at });
    });
    (ev.vehicles || []).forEach(setBus);
    if (ev.type === "status") {
      if (ev.item_kind === "emergency" && live.ems[ev.item_id]) {
        var p = Object.assign({}, live.ems[ev.item_id].p, { status: ev.to_status });
        if (ACTIVE[ev.to_status]) { setEmergency(p); } else { dropEmergency(ev.item_id); }
        live.dirty.counts = live.dirty.alarm = true;
      }
      if (ev.item_kind === "complaint" && !OPEN[ev.to_status] && live.openIds.has(ev.item_id)) {
        live.openIds.delete(ev.item_id); /* once, however often the event arrives */
        live.open = Math.max(0, live.open - 1);
        live.dirty.counts = true;
      }
      var what = statusLabel(ev.to_status) +
        (ev.agency_code && (ev.to_status === "diteruskan" || ev.to_status === "dikerjakan") ? " " + ev.agency_code : "");
      addTicker({ kind: "status", key: ev.item_kind + ev.item_id + ev.to_status,
                  title: (ev.item_kind === "emergency" ? "SOS" : "") + "#" + ev.item_id + " " + what, kelurahan: "", at: ev.at });
    }
  }

  function render() {
    var d = live.dirty;
    if (d.counts) {
      var em = emCounts();
      setText("wall-kpi-open", live.open, "open");
      setText("wall-kpi-new", live.newToday, "newToday");
      setText("wall-kpi-emergencies", em.active, "emActive");
      var emTile = document.getElementById("wall-kpi-emergencies");
      if (emTile && emTile.parentElement) { emTile.parentElement.classList.toggle("active", em.active > 0); } /* red only when there is one */
      live.oldestUnack = em.oldest;
      live.unack = em.unack;
      drawEmergencySub();
      if (d.alarm && live.shown.unack !== em.unack) {
        live.shown.unack = em.unack;
        setDashProps("wall-alarm-state", { data: { unack: em.unack } });
      }
      d.counts = d.alarm = false;
    }
    if (d.ems) { drawEmergencies(); }
    if (d.ticker) { drawTicker(); d.ticker = false; }
    if (d.kel) { scheduleKel(); }
    live.version++;
  }

  /* ---- batches, gaps and catching up ----------------------------------------------------------- */

  function schedule() {
    if (live.frame) { return; }
    live.frame = true;
    /* one update per frame; the timeout keeps a hidden (frame-less) tab from piling up batches */
    window.requestAnimationFrame(flush);
    setTimeout(flush, 500);
  }

  function flush() {
    if (!live.frame) { return; }
    live.frame = false;
    if (!live.ready) { return; } /* before the snapshot: kept in the queue */
    var batches = live.queue;
    live.queue = [];
    for (var i = 0; i < batches.length; i++) {
      var b = batches[i];
      if (live.fetching) { live.waiting.push(b); continue; }
      var gap = live.last && (!b.prev || cmpId(b.prev, live.last) > 0) && b.last && cmpId(b.last, live.last) > 0;
      if (gap) { /* entries between our last and this batch never reached us */
        live.stats.gaps++;
        live.waiting.push(b);
        catchUp("gap");
        continue;
      }
      if (b.beat) { continue; } /* a heartbeat: nothing to apply, and not behind */
      live.stats.batches++;
      (b.events || []).forEach(applyEvent);
      if (b.last && (!live.last || cmpId(b.last, live.last) > 0)) { live.last = b.last; }
    }
    render();
  }

  function askSnapshot() {
    if (live.snapshotAsked) { return; }
    live.snapshotAsked = true;
    live.stats.resyncs++;
    setDashProps("wall-resync", { data: Date.now() });
  }

  /* GET /wall/changes?after=<last>: what we missed, page by page; too far behind → a snapshot */
  function catchUp(why, pages) {
    if (live.fetching && !pages) { return; }
    live.fetching = true;
    pages = pages || 0;
    if (why === "poll") { live.stats.polls++; } else if (!pages) { live.stats.catchUps++; }
    var after = live.last || "0-0";
    fetch("/wall/changes?after=" + encodeURIComponent(after), {
      headers: { "X-Wall-Token": (live.cfg && live.cfg.token) || "" }, credentials: "same-origin", cache: "no-store"
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (page) {
      live.link.fetchOkAt = Date.now();
      if (!live.fetching || after !== (live.last || "0-0")) { return; } /* a snapshot came meanwhile */
      if (page.trimmed || pages + 1 > CATCH_UP_PAGES) { finishCatchUp(); askSnapshot(); return; }
      page.events.forEach(applyEvent);
      if (page.last && (!live.last || cmpId(page.last, live.last) > 0)) { live.last = page.last; }
      render();
      if (page.more) { catchUp(why, pages + 1); return; }
      finishCatchUp();
    }).catch(function () {
      live.link.fetchFailAt = Date.now();
      setTimeout(finishCatchUp, 1000); /* server unreachable: batches wait, then the next gap tries again */
    });
  }

  function finishCatchUp() {
    live.fetching = false;
    if (live.waiting.length) {
      live.queue = live.waiting.concat(live.queue);
      live.waiting = [];
      schedule();
    }
  }

  /* a new server snapshot: the picture starts again from it */
  function adopt(state, base, cfg) {
    live.cfg = cfg || live.cfg;
    live.stats.snapshots++;
    live.snapshotAsked = false;
    live.fetching = false; /* an answer still on its way is ignored: it was for the old picture */
    live.queue = live.waiting.concat(live.queue); /* held batches: applied if newer than the snapshot */
    live.waiting = [];
    live.last = state.last || "0-0";
    live.open = state.open || 0;
    live.newToday = state.newToday || 0;
    live.groups = state.groups || {};
    live.kelNames = state.kelNames || {};
    live.colors = state.colors || {};
    live.routeLabels = state.routeLabels || {};
    live.kel = {};
    Object.keys(state.kel || {}).forEach(function (code) {
      var c = state.kel[code];
      live.kel[code] = { open: c[0], overdue: c[1] };
    });
    live.known = new Set();
    live.openIds = new Set();
    ((base && base.features) || []).forEach(function (f) {
      live.known.add("c" + f.properties.id);
      live.openIds.add(f.properties.id);
    });
    if (live.layers) { live.layers.fresh.clearLayers(); }
    live.fresh = [];
    var emIds = {};
    (state.emergencies || []).forEach(function (e) { emIds[e.id] = 1; setEmergency(e); });
    Object.keys(live.ems).forEach(function (id) { if (!emIds[id]) { dropEmergency(id); } });
    var busIds = {};
    (state.vehicles || []).forEach(function (v) {
      busIds[v.vehicle_id] = 1;
      var b = live.buses[v.vehicle_id];
      if (b && Date.parse(b.p.last_recorded_at) >= Date.parse(v.last_recorded_at)) { return; }
      if (b) { b.marker.setLatLng([v.last_lat, v.last_lon]).setIcon(busIcon(v, busLook(v, live.colors))); b.p = v; b.look = busLook(v, live.colors); }
      else { setBus(v); }
    });
    live.ticker = [];
    (state.ticker || []).slice().reverse().forEach(function (it) {
      addTicker({ kind: it.kind, key: it.id, title: it.kind === "emergency" ? kindLabel(it.title) : it.title,
                  kelurahan: it.kelurahan || "", at: it.at });
    });
    live.shown.open = live.shown.newToday = live.shown.emActive = null;
    live.dirty.counts = live.dirty.alarm = live.dirty.ticker = true;
    render();
    live.ready = true;
    if (live.queue.length) { schedule(); }
    tickClock();
    fitCity();
    var h = kelHideout();
    drawLegend(h);
    return h;
  }

  function receive(batch) {
    if (!batch) { return; }
    live.queue.push(batch);
    if (!live.ready && live.queue.length > 500) { live.queue.shift(); } /* the snapshot is late: a gap, caught up */
    schedule();
  }

  /* The Socket.IO connection is dash-socketio's: it connects with the kiosk token, reconnects and
     reports `connected` to Dash. Its "changes" events are read here from the WebSocket frames
     (assets/socket-tap.js), as they arrive: handed to Dash as a prop, each batch cost the browser a
     round of Redux updates and re-renders of every subscribed component, and Dash kept only the
     latest of two close batches. Frames are Engine.IO messages ("4") carrying Socket.IO events
     ("2"): 42/live,["changes",{…}]. Namespace and event as in domain/live_events.py. */
  var SOCKET_NAMESPACE = "/live", SOCKET_EVENT = "changes", HEARTBEAT_EVENT = "heartbeat";
  function onSocketFrame(message) {
    var d = message.data;
    if (typeof d !== "string" || d.charCodeAt(0) !== 52 || d.charCodeAt(1) !== 50) { return; } /* "4", "2" */
    if (!document.getElementById("wall-map")) { return; } /* another page with a socket (the console) */
    var rest = d.slice(2), nsp = "/";
    if (rest.charAt(0) === "/") {
      var comma = rest.indexOf(",");
      nsp = comma < 0 ? rest : rest.slice(0, comma);
      rest = comma < 0 ? "" : rest.slice(comma + 1);
    }
    if (nsp !== SOCKET_NAMESPACE) { return; }
    var open = rest.indexOf("["); /* an acknowledgement id may stand before the array */
    if (open < 0) { return; }
    try {
      var packet = JSON.parse(rest.slice(open));
      if (packet[0] === SOCKET_EVENT) { live.link.liveAt = Date.now(); receive(packet[1]); }
      else if (packet[0] === HEARTBEAT_EVENT) { heard(packet[1]); }
    } catch (e) { /* not ours to judge: socket.io-client reads the same frame */ }
  }
  window.bccSocketFrame = onSocketFrame; /* called by assets/socket-tap.js for every Socket.IO frame */

  /* ---- the live link: heartbeat, stale banner, polling while it is quiet ------------------------
     The leading relay sends a heartbeat every 2 s (live/relay.py) with the last change-stream id it
     relayed. A heartbeat newer than what we applied means a batch never reached us: it goes through
     the queue like a batch without events, so the gap check catches up. No heartbeat nor batch for
     6 s, or the socket down: the whole header turns amber ("data tertunda sejak HH:MM", the WIB time
     of the last live contact), red after 30 s or when the server does not answer either, and the
     engine asks GET /wall/changes every second until the link is back. */
  var LINK_QUIET_MS = 6000, LINK_RED_MS = 30000, FETCH_STALE_MS = 10000;
  var LINK_TEXT = {
    id: { since: "DATA TERTUNDA SEJAK ", lost: "Siaran langsung terputus ", polling: " — diperbarui tiap detik",
          unreachable: "Server tidak terjangkau — data berumur ", old: "", late: "TERTUNDA" },
    en: { since: "DATA DELAYED SINCE ", lost: "Live link lost for ", polling: " — refreshing every second",
          unreachable: "Server unreachable — data is ", old: " old", late: "DELAYED" }
  };
  function linkText(cfg, key) { return (LINK_TEXT[(cfg && cfg.lang) || "id"] || LINK_TEXT.id)[key]; }
  function agoMs(cfg, ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 120) { return s + tx(cfg, "s"); }
    if (s < 7200) { return Math.floor(s / 60) + tx(cfg, "m"); }
    return Math.floor(s / 3600) + tx(cfg, "h");
  }
  live.link = { liveAt: Date.now(), fetchOkAt: null, fetchFailAt: null, level: "ok", lastBeat: null, wasConnected: false };
  live.stats.beats = 0;

  function heard(beat) {
    live.link.liveAt = Date.now();
    live.stats.beats++;
    live.link.lastBeat = beat && beat.last;
    if (beat && beat.last) { receive({ prev: beat.last, last: beat.last, events: [], beat: true }); }
    if (live.link.level !== "ok") { checkLink(); drawChips(); }
  }

  function checkLink() {
    var header = document.querySelector(".wall .wall-top");
    if (!header || !live.cfg) { return; }
    var cfg = live.cfg, now = Date.now(), quiet = now - live.link.liveAt;
    var stale = quiet > LINK_QUIET_MS || (!live.connected && live.link.wasConnected); /* a drop shows at once */
    /* the server answers GET /wall/changes (or has not been asked yet); not after 10 s of failures */
    var l = live.link, fetchOk = l.fetchFailAt === null || (l.fetchOkAt !== null && now - l.fetchOkAt < FETCH_STALE_MS);
    var level = !stale ? "ok" : quiet > LINK_RED_MS || !fetchOk ? "red" : "amber";
    if (stale && live.connected && live.ready && !live.fetching) { catchUp("poll"); } /* socket up, relay quiet */
    if (level !== live.link.level) {
      header.classList.toggle("link-amber", level === "amber");
      header.classList.toggle("link-red", level === "red");
      live.link.level = level;
    }
    if (level === "ok") { return; }
    var freshest = Math.max(l.liveAt, l.fetchOkAt || 0);
    setTextOf("wall-link-main", linkText(cfg, "since") + wibTime(new Date(live.link.liveAt).toISOString()) + " WIB");
    setTextOf("wall-link-sub", fetchOk
      ? linkText(cfg, "lost") + agoMs(cfg, quiet) + linkText(cfg, "polling")
      : linkText(cfg, "unreachable") + agoMs(cfg, now - freshest) + linkText(cfg, "old"));
  }

  /* ---- clock, stream health, KPI refresh: timers here, not Dash intervals (each Dash update costs
     a round of re-renders; these run every second) ------------------------------------------------ */

  function setTextOf(id, value) {
    var el = document.getElementById(id);
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  var CLOCK = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  var DATES = {
    id: new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", weekday: "long", day: "numeric", month: "long", year: "numeric" }),
    en: new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Jakarta", weekday: "long", day: "numeric", month: "long", year: "numeric" })
  };
  var shownChips = "";
  function drawChips() {
    var box = document.getElementById("wall-health");
    if (!box || !live.cfg) { return; }
    var cfg = live.cfg;
    var linkOk = live.connected && live.link.level === "ok";
    var chips = [[linkOk ? "ok" : "bad", linkOk ? tx(cfg, "live_on") : live.connected ? linkText(cfg, "late") : tx(cfg, "live_off")]];
    (live.health || []).forEach(function (h) {
      /* the age of the newest STORED item: entries that arrive but are refused do not count */
      var age = h.storedAt ? (Date.now() - Date.parse(h.storedAt)) / 1000 : null;
      var silent = age === null || age > (h.silentAfter || SILENT_AFTER_S);
      var value = (h.storedAt ? ago(cfg, h.storedAt) + tx(cfg, "ago") : tx(cfg, "never")) +
        (h.refused ? " · " + h.refused + tx(cfg, "refused") : "") + (silent && h.storedAt ? " — " + tx(cfg, "silent") : "");
      /* nothing stored yet is not an alarm (a new system, a quiet panic button): grey, not red */
      chips.push([!h.storedAt ? "idle" : silent ? "bad" : h.refused ? "warn" : "ok", value, h.label, tx(cfg, "stored_title")]);
    });
    var key = JSON.stringify(chips);
    if (key === shownChips) { return; }
    shownChips = key;
    var frag = document.createDocumentFragment();
    chips.forEach(function (c) {
      var span = document.createElement("span");
      span.className = "chip " + c[0];
      if (c[2]) { /* a stream's badge: its name above, the freshness below */
        var name = document.createElement("span"), val = document.createElement("span");
        name.className = "chip-label";
        name.textContent = c[2];
        val.className = "chip-value";
        val.textContent = c[1];
        span.title = c[3] || "";
        span.append(name, val);
      } else {
        span.textContent = c[1];
      }
      frag.appendChild(span);
    });
    box.replaceChildren(frag);
  }
  /* under the emergency count: the oldest unacknowledged one's age, or why there is none */
  function drawEmergencySub() {
    var cfg = live.cfg;
    if (!cfg) { return; }
    setTextOf("wall-kpi-emerg-sub", live.unack > 0 && live.oldestUnack ? tx(cfg, "oldest") + ageText(live.oldestUnack)
      : Object.keys(live.ems).length ? tx(cfg, "none_unack") : tx(cfg, "no_emergency"));
  }
  function tickClock() {
    if (!document.getElementById("wall-clock")) { return; }
    var cfg = live.cfg, now = new Date();
    setTextOf("wall-clock", CLOCK.format(now).replace(/\./g, ":") + " WIB");
    setTextOf("wall-date", (DATES[(cfg && cfg.lang) || "id"] || DATES.id).format(now));
    drawEmergencySub();
    checkLink();
    drawChips();
    watchAgencies();
  }
  setInterval(tickClock, 1000);

  /* Dash re-renders the agency rows: fit them each time it does (observed once the panel exists) */
  var agencyObserver = null;
  function watchAgencies() {
    var box = document.getElementById("wall-agencies");
    if (!box || (agencyObserver && agencyObserver.box === box)) { return; }
    if (agencyObserver) { agencyObserver.disconnect(); }
    agencyObserver = new MutationObserver(refitAgencies);
    agencyObserver.box = box;
    /* the panel's height is set by the layout, not by its rows: when the tiles above grow or
       shrink, fit again */
    if (window.ResizeObserver && box.parentElement) {
      new ResizeObserver(function () { if (agencyObserver.box === box) { refitAgencies(); } }).observe(box.parentElement);
    }
    refitAgencies();
  }
  var AGENCY_CHANGES = { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["class"] };
  function refitAgencies() { /* its own class changes must not wake the observer again */
    agencyObserver.disconnect();
    fitAgencies();
    agencyObserver.takeRecords();
    agencyObserver.observe(agencyObserver.box, AGENCY_CHANGES);
  }

  /* KPIs that need the database: recomputed (server callback) when something changed, at most every 2 s */
  var kpiVersion = 0;
  setInterval(function () {
    if (!live.ready || live.version === kpiVersion) { return; }
    kpiVersion = live.version;
    setDashProps("wall-kpi-trigger", { data: { version: kpiVersion } });
  }, 2000);

  /* ---- Dash clientside callbacks ----------------------------------------------------------------- */

  window.bccWall = mapFns;
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    wall: {
      ageText: ageText,
      /* the snapshot arrived: start the live picture from it; returns the kelurahan shading */
      adopt: function (state, base, cfg) {
        if (!state) { return nu(); }
        live.shade = (cfg && cfg.shade) === "overdue" ? "overdue" : "open";
        return adopt(state, base, cfg);
      },
      /* the socket connected or dropped: the top bar says so; polling only while it is down */
      connection: function (connected, cfg) {
        var was = live.connected;
        live.connected = !!connected;
        live.cfg = live.cfg || cfg;
        if (connected) { live.link.wasConnected = true; }
        checkLink();
        drawChips();
        if (connected && !was && live.ready) { catchUp("reconnect"); } /* what was sent while it was down */
        return !!connected && !(cfg && cfg.transport === "poll");
      },
      /* socket down (or ?transport=poll): ask for the changes since the last applied id */
      poll: function (n) {
        if (n && live.ready && !live.fetching) { catchUp("poll"); }
        return nu();
      },
      healthData: function (health) {
        live.health = health || [];
        drawChips();
        return nu();
      },
      shade: function (n, cfg) {
        var overdue = ((cfg && cfg.shade) === "overdue") !== ((n || 0) % 2 === 1);
        live.shade = overdue ? "overdue" : "open";
        var h = kelHideout();
        drawLegend(h);
        return h;
      },
      /* sound: browsers need one click before audio may play */
      enableSound: function (n) {
        if (!n) { return nu(); }
        var audio = document.getElementById("wall-alarm-audio");
        if (audio) { audio.muted = false; audio.play().then(function () { audio.pause(); audio.currentTime = 0; }).catch(function () {}); }
        return true;
      },
      alarm: function (alarmState, soundOn, cfg) {
        var unack = (alarmState && alarmState.unack) || 0;
        var audio = document.getElementById("wall-alarm-audio");
        if (audio) {
          if (unack > 0 && soundOn) { audio.loop = true; audio.play().catch(function () {}); }
          else { audio.pause(); audio.currentTime = 0; }
        }
        return [unack > 0 ? "wall alarm" : "wall", tx(cfg, soundOn ? "sound_on" : "sound_off"), soundOn ? "sound-btn on" : "sound-btn off"];
      }
    }
  });
})();
