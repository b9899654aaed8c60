// Draws the statistics page's charts from the JSON the server embedded (no inline script,
// so the Content-Security-Policy can forbid them). Chart.js is vendored in static/vendor.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = JSON.parse(document.getElementById("chart-labels").textContent);
  var palette = ["#9e1b1b", "#0b4f9c", "#1e7b34", "#8a5a00", "#6a3d9a", "#008080", "#c2185b",
                 "#455a64", "#ef6c00", "#2e7d32", "#5d4037", "#1565c0", "#ad1457", "#00838f"];
  var drawn = 0;
  function color(i) { return palette[i % palette.length]; }
  function draw(id, config) {
    var canvas = typeof id === "string" ? document.getElementById(id) : id;
    if (!canvas) { return; }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
                                   config.options || {});
    new Chart(canvas, config);
    drawn += 1;
  }
  var rs = data.records_by_sector;
  draw("chart-records", {
    type: "line",
    data: { labels: rs.years, datasets: Object.keys(rs.series).map(function (s, i) {
      return { label: labels.sectors[s] || s, data: rs.series[s], borderColor: color(i),
               backgroundColor: color(i), tension: 0.2 };
    }) },
    options: { plugins: { legend: { position: "bottom" } } }
  });
  var ls = data.list_sizes;
  var names = labels.locale === "en" ? ls.names_en : null;
  draw("chart-lists", {
    type: ls.dates.length > 1 ? "line" : "bar",
    data: { labels: ls.dates, datasets: Object.keys(ls.series).map(function (s, i) {
      return { label: names ? names[s] : s, data: ls.series[s], borderColor: color(i), backgroundColor: color(i) };
    }) },
    options: { plugins: { legend: { position: "bottom" } } }
  });
  draw("chart-regions", {
    type: "bar",
    data: { labels: data.regions.map(function (r) { return r[1]; }),
            datasets: [{ label: labels.regions, data: data.regions.map(function (r) { return r[2]; }),
                         backgroundColor: "#9e1b1b" }] },
    options: { plugins: { legend: { display: false } } }
  });
  document.querySelectorAll("canvas.chart-grade").forEach(function (canvas) {
    var g = data.grades[canvas.dataset.scheme];
    var bands = Object.keys(g.bands);
    draw(canvas, {
      type: "doughnut",
      data: { labels: bands, datasets: [{ data: bands.map(function (b) { return g.bands[b]; }),
                                          backgroundColor: bands.map(function (_, i) { return color(i); }) }] },
      options: { plugins: { legend: { position: "right" } } }
    });
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();
