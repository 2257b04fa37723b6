// An account's energy diagnosis charts (KEY-3): the load curve, the day × time-of-day heat map,
// the working-day and weekend hourly profiles and the peak/flat/valley split, drawn with the
// vendored ECharts from the page's json_script data; the tables below each carry the same numbers.
(function () {
  "use strict";
  var holder = document.getElementById("diagnosis-data");
  if (!holder || typeof echarts === "undefined") return;
  var d = JSON.parse(holder.textContent);
  var drawn = [];
  function box(id) { return document.getElementById(id); }
  function draw(id, option) { var chart = echarts.init(box(id)); chart.setOption(option); drawn.push(chart); }
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  if (box("diag-curve")) {
    draw("diag-curve", {
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 56, right: 16, top: 24, bottom: 64 },
      xAxis: { type: "category", data: d.curve.map(function (p) { return p[0]; }) },
      yAxis: { type: "value", name: d.labels.kw },
      dataZoom: [{ type: "inside" }, { type: "slider" }],
      series: [{ name: d.labels.kw, type: "line", showSymbol: false, connectNulls: false,
                 data: d.curve.map(function (p) { return p[1]; }) }]
    });
  }
  if (box("diag-heat")) {
    var days = d.days.length;
    box("diag-heat").style.height = Math.max(320, Math.min(days * 14 + 100, 1200)) + "px";
    draw("diag-heat", {
      animation: false,
      tooltip: { position: "top" },
      grid: { left: 88, right: 16, top: 16, bottom: 72 },
      xAxis: { type: "category", data: d.slots, splitArea: { show: true } },
      yAxis: { type: "category", data: d.days, inverse: true },
      visualMap: { min: 0, max: d.max_kw || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      series: [{ name: d.labels.kw, type: "heatmap", data: d.heat }]
    });
  }
  if (box("diag-profiles")) {
    draw("diag-profiles", {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: d.hours },
      yAxis: { type: "value", name: d.labels.kw },
      series: [
        { name: d.labels.weekday, type: "line", data: d.weekday },
        { name: d.labels.weekend, type: "line", data: d.weekend }
      ]
    });
  }
  if (box("diag-split")) {
    draw("diag-split", {
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 72, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: d.bands },
      yAxis: { type: "value", name: d.labels.kwh },
      series: [{ name: d.labels.kwh, type: "bar", data: d.split }]
    });
  }
})();
