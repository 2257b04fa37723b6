// The outlet-network scenario's map-like chart (PLAN-3): 台区 and sites at their longitude and
// latitude (plain axes, no tiles), drawn with the vendored ECharts from the page's json_script
// data. Sites are coloured by the recommendation; the same figures are in the table below.
(function () {
  "use strict";
  var holder = document.getElementById("network-data");
  var box = document.getElementById("network-map");
  if (!holder || !box || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  function pad(side) {
    return function (range) {
      var margin = (range.max - range.min) / 20 || 0.01;
      return Number((side < 0 ? range.min - margin : range.max + margin).toFixed(3));
    };
  }
  var series = [{
    name: data.axis.areas,
    type: "scatter",
    symbolSize: function (v) { return Math.max(6, Math.min(14, Math.sqrt(v[3] || 0) / 2)); },
    itemStyle: { color: "#9aa5b1", opacity: 0.6 },
    data: data.areas,
    tooltip: { formatter: function (p) { return p.value[2] + "<br>" + data.axis.customers + " " + p.value[3] + "<br>" + data.axis.served + " " + p.value[4] + " (" + p.value[5] + " km)"; } }
  }];
  var colours = { keep: "#2b7a0b", build: "#1f5fbf", move: "#8e44ad", moved_in: "#6c3483", merge: "#c0392b", convert: "#d68910", close: "#7f8c8d", "": "#bdc3c7" };
  Object.keys(data.labels).forEach(function (action) {
    var sites = data.sites.filter(function (s) { return s[3] === action; });
    if (!sites.length) return;
    series.push({
      name: data.labels[action],
      type: "scatter",
      symbol: action === "" ? "emptyDiamond" : "diamond",
      symbolSize: function (v) { return 10 + 2 * Math.min(v[4] || 0, 10); },
      itemStyle: { color: colours[action] || "#333" },
      data: sites,
      tooltip: { formatter: function (p) { return p.value[2] + "<br>" + data.labels[action] + " · " + p.value[4]; } }
    });
  });
  echarts.init(box).setOption({
    animation: false,
    tooltip: { trigger: "item" },
    legend: { top: 0 },
    grid: { left: 64, right: 24, top: 40, bottom: 56 },
    // A margin of a twentieth around the places, so a hall at the edge is not cut in half.
    xAxis: { type: "value", name: data.axis.lon, nameLocation: "middle", nameGap: 28, scale: true, min: pad(-1), max: pad(1), axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: data.axis.lat, scale: true, min: pad(-1), max: pad(1) },
    series: series
  });
  window.addEventListener("resize", function () {
    var chart = echarts.getInstanceByDom(box);
    if (chart) chart.resize();
  });
})();
