// 抽样: each stratum's share of the eligible population beside its share of the sample (bars),
// drawn with the vendored ECharts from the page's json_script data; the table below has the numbers.
(function () {
  "use strict";
  var holder = document.getElementById("sample-data");
  var box = document.getElementById("sample-chart");
  if (!holder || !box || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var chart = echarts.init(box);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 64, containLabel: true },
    xAxis: { type: "category", data: data.strata, axisLabel: { interval: 0, rotate: data.strata.length > 4 ? 30 : 0 } },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: data.labels.population, type: "bar", data: data.population, itemStyle: { opacity: 0.45 } },
      { name: data.labels.sample, type: "bar", data: data.sample }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
