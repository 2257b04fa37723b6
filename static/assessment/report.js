// The monthly report's charts (ASSESS-7): the 12-month trend of the rates and the breakdown of
// the month by hall or unit, drawn with the vendored ECharts from the page's json_script data.
// The same numbers are in the tables below the charts.
(function () {
  "use strict";
  var holder = document.getElementById("report-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);

  var trendBox = document.getElementById("report-trend");
  if (trendBox) {
    var rates = data.trend.series.filter(function (s) { return s.code !== "tickets"; });
    var tickets = data.trend.series.filter(function (s) { return s.code === "tickets"; });
    var series = rates.map(function (s) {
      return { name: s.label, type: "line", yAxisIndex: 0, data: s.values, connectNulls: false };
    });
    tickets.forEach(function (s) {
      series.push({ name: s.label, type: "bar", yAxisIndex: 1, data: s.values, itemStyle: { opacity: 0.35 } });
    });
    echarts.init(trendBox).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: [
        { type: "value", min: 0, max: 100, name: "%" },
        { type: "value", name: tickets.length ? tickets[0].label : "" }
      ],
      series: series
    });
  }

  var barBox = document.getElementById("report-breakdown");
  if (barBox) {
    var b = data.breakdown;
    var names = b.rows.map(function (r) { return r.name; });
    var wanted = ["within_target", "satisfaction_rate", "deadline_rate"];
    var bars = [];
    wanted.forEach(function (code) {
      var i = b.codes.indexOf(code);
      if (i >= 0) bars.push({ name: b.columns[i], type: "bar", data: b.rows.map(function (r) { return r.values[i]; }) });
    });
    echarts.init(barBox).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 60 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: 100, name: "%" },
      series: bars
    });
  }

  window.addEventListener("resize", function () {
    [trendBox, barBox].forEach(function (box) {
      var chart = box && echarts.getInstanceByDom(box);
      if (chart) chart.resize();
    });
  });
})();
