// The staffing plan's charts (PLAN-1): per day the forecast arrivals (bars), the counters needed
// and the counters open (lines), each half hour's bar red when too few counters are open, amber when too many;
// drawn with the vendored ECharts from the page's json_script data. The numbers are in the
// table under each chart.
(function () {
  "use strict";
  var holder = document.getElementById("plan-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var boxes = [];
  data.days.forEach(function (day) {
    var box = document.getElementById(day.id);
    if (!box) return;
    boxes.push(box);
    // Each half hour's bar is coloured by its staffing: red too few counters, amber too many.
    var bars = day.arrivals.map(function (value, i) {
      var open = day.open[i];
      if (open === null || open === day.needed[i]) return value;
      return { value: value, itemStyle: { color: open < day.needed[i] ? "#c62828" : "#e69a14", opacity: 0.6 } };
    });
    echarts.init(box).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: day.slots },
      yAxis: [
        { type: "value", name: data.labels.needed, minInterval: 1 },
        { type: "value", name: data.labels.arrivals }
      ],
      series: [
        { name: data.labels.arrivals, type: "bar", yAxisIndex: 1, data: bars, itemStyle: { opacity: 0.35 } },
        { name: data.labels.needed, type: "line", step: "middle", data: day.needed },
        { name: data.labels.open, type: "line", step: "middle", data: day.open, connectNulls: false }
      ]
    });
  });
  window.addEventListener("resize", function () {
    boxes.forEach(function (box) {
      var chart = echarts.getInstanceByDom(box);
      if (chart) chart.resize();
    });
  });
})();
