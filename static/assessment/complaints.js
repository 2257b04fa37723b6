// 投诉分析: the last 12 months of complaints per 10,000 customers (line) with the complaints and
// repeat complaints (bars), drawn with the vendored ECharts from the page's json_script data.
// The same numbers are in the table below the chart.
(function () {
  "use strict";
  var holder = document.getElementById("complaints-data");
  var box = document.getElementById("complaints-trend");
  if (!holder || !box || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var chart = echarts.init(box);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", min: 0, name: data.labels.per_10k },
      { type: "value", min: 0, minInterval: 1, name: data.labels.complaints }
    ],
    series: [
      { name: data.labels.per_10k, type: "line", yAxisIndex: 0, data: data.per_10k, connectNulls: false },
      { name: data.labels.complaints, type: "bar", yAxisIndex: 1, data: data.complaints, itemStyle: { opacity: 0.35 } },
      { name: data.labels.repeats, type: "bar", yAxisIndex: 1, data: data.repeats, itemStyle: { opacity: 0.6 } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
