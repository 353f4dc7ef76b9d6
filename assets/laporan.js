/* /laporan: map styling for dash-leaflet (colours computed on the server, per area). */
(function () {
  "use strict";
  window.bccReport = {
    areaStyle: function (feature) {
      var p = feature.properties || {};
      return { fillColor: p.fill || "#d9d9d9", fillOpacity: 0.8, color: p.selected ? "#111" : "#555", weight: p.selected ? 4 : 1 };
    }
  };
})();
