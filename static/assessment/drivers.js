// 满意度驱动因素: the path diagram of the CCSI model (an ECharts graph with the constructs where
// the ECSI diagram puts them, each arrow labelled with its path coefficient) and the
// importance-performance chart (a scatter with the quadrant lines at the means). The data comes
// from the page's json_script; the same numbers are in the tables beside the charts.
(function () {
  "use strict";
  var holder = document.getElementById("drivers-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var charts = [];

  // Where each construct sits in the ECSI diagram (image left, loyalty right).
  var place = {
    image: [0, 1], expectation: [1, 0], quality: [1, 2], value: [2, 0], satisfaction: [2, 2], loyalty: [3, 1]
  };

  var pathBox = document.getElementById("drivers-path-chart");
  if (pathBox && data.nodes.length) {
    var nodes = data.nodes.map(function (n) {
      var at = place[n.id] || [0, 0];
      var label = n.name + (n.r2 === null || n.r2 === undefined ? "" : "\nR² " + n.r2.toFixed(2));
      return { id: n.id, name: label, x: at[0] * 220, y: at[1] * 110, symbolSize: [120, 48], symbol: "roundRect" };
    });
    var links = data.links.map(function (l) {
      return {
        source: l.source, target: l.target, value: l.value,
        label: { show: true, formatter: l.value.toFixed(2) },
        lineStyle: { width: 1 + Math.min(Math.abs(l.value), 1) * 4 }
      };
    });
    var graph = echarts.init(pathBox);
    graph.setOption({
      animation: false,
      series: [{
        type: "graph", layout: "none", roam: false, data: nodes, links: links,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 10,
        label: { show: true, color: "#fff" },
        itemStyle: { color: "#2f6fad" },
        lineStyle: { color: "#888", curveness: 0.1 },
        edgeLabel: { fontSize: 12 }
      }]
    });
    charts.push(graph);
  }

  var ipmaBox = document.getElementById("drivers-ipma-chart");
  if (ipmaBox && data.ipma.length) {
    var points = data.ipma.map(function (d) {
      return {
        name: d.name, value: [d.importance, d.performance],
        itemStyle: { color: d.id === data.priority ? "#c0392b" : "#2f6fad" }
      };
    });
    var scatter = echarts.init(ipmaBox);
    scatter.setOption({
      animation: false,
      grid: { left: 56, right: 24, top: 24, bottom: 48 },
      tooltip: {
        formatter: function (p) { return p.name + "<br>" + p.value[0].toFixed(3) + " / " + p.value[1].toFixed(1); }
      },
      xAxis: { type: "value", name: data.labels.importance, nameLocation: "middle", nameGap: 28, scale: true },
      yAxis: { type: "value", name: data.labels.performance, nameLocation: "middle", nameGap: 40, scale: true },
      series: [{
        type: "scatter", symbolSize: 16, data: points,
        label: { show: true, position: "right", formatter: "{b}" },
        markLine: {
          silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#999" }, label: { show: false },
          data: [{ xAxis: data.means.importance }, { yAxis: data.means.performance }]
        }
      }]
    });
    charts.push(scatter);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
