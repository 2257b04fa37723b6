// The portal's usage charts: monthly kWh for three years and the last 30 days' kWh, as ECharts
// bars. The numbers come from the page's json_script and are in the tables under the charts too.
(function () {
  "use strict";
  var holder = document.getElementById("usage-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var elderly = document.body.classList.contains("elderly");
  var font = elderly ? 16 : 12;
  var charts = [];

  function bars(box, labels, values) {
    if (!box || !labels.length) return;
    var chart = echarts.init(box);
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 12, top: 28, bottom: 44 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + data.unit; } },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: font, color: elderly ? "#000" : "#5b6675" } },
      yAxis: { type: "value", name: data.unit, nameTextStyle: { fontSize: font }, axisLabel: { fontSize: font } },
      dataZoom: labels.length > 12 ? [{ type: "inside", startValue: labels.length - 12, endValue: labels.length - 1 }] : [],
      series: [{ type: "bar", data: values, itemStyle: { color: "#0b6b4f" }, barMaxWidth: 28 }]
    });
    charts.push(chart);
  }

  bars(document.getElementById("usage-monthly-chart"), data.months, data.kwh);
  bars(document.getElementById("usage-daily-chart"), data.days, data.daily);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
