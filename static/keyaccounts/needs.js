// The needs analysis' bar charts (KEY-2): open and met needs by category, industry and unit,
// drawn with the vendored ECharts from the page's json_script data; the tables carry the same numbers.
(function () {
  "use strict";
  var holder = document.getElementById("needs-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  ["category", "industry", "unit"].forEach(function (key) {
    var box = document.getElementById("needs-" + key);
    var d = data[key];
    if (!box || !d || !d.labels.length) return;
    echarts.init(box).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 64 },
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.series[0], type: "bar", stack: "n", data: d.open },
        { name: data.series[1], type: "bar", stack: "n", data: d.met }
      ]
    });
  });
})();
