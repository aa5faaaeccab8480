// The scorecard's charts: per section, this year's figures beside last year's (bars) and its rates (gauges).
// Data comes from each section's json_script tag (no inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var printButton = document.querySelector(".js-print");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });
  if (typeof echarts === "undefined") return;
  var red = "#b3171e", grey = "#c9cdd4";
  var charts = [];
  document.querySelectorAll(".sc-chart").forEach(function (el) {
    var src = document.getElementById(el.dataset.source);
    if (!src) return;
    var data = JSON.parse(src.textContent);
    var narrow = el.clientWidth < 560;
    var series = [], grids = [], xAxes = [], yAxes = [];
    var hasBars = data.labels.length > 0, hasRates = data.rates.length > 0;
    if (hasBars) {
      var labels = data.labels.slice().reverse();
      var units = data.units.slice().reverse();
      grids.push({ left: 8, right: 64, top: 28, bottom: hasRates ? "46%" : 8, containLabel: true });
      xAxes.push({ type: "value", show: false, gridIndex: 0 });
      yAxes.push({ type: "category", data: labels, gridIndex: 0,
        axisLabel: { width: narrow ? 110 : 240, overflow: "truncate", color: "#333" } });
      var label = function (p) { return p.value === null ? "" : p.value + units[p.dataIndex]; };
      series.push({ name: data.year + "年", type: "bar", data: data.now.slice().reverse(), xAxisIndex: 0, yAxisIndex: 0,
        itemStyle: { color: red }, barMaxWidth: 16, label: { show: true, position: "right", formatter: label } });
      series.push({ name: (data.year - 1) + "年", type: "bar", data: data.before.slice().reverse(), xAxisIndex: 0, yAxisIndex: 0,
        itemStyle: { color: grey }, barMaxWidth: 16, label: { show: !narrow, position: "right", color: "#888", formatter: label } });
    }
    data.rates.forEach(function (r, i) {
      var n = data.rates.length;
      var cx = ((i + 0.5) / n * 100) + "%";
      series.push({ type: "gauge", center: [cx, hasBars ? "80%" : "60%"], radius: narrow ? "28%" : (hasBars ? "26%" : "70%"),
        min: 0, max: 100, startAngle: 200, endAngle: -20, progress: { show: true, width: 10, itemStyle: { color: red } },
        axisLine: { lineStyle: { width: 10 } }, axisTick: { show: false }, splitLine: { show: false },
        axisLabel: { show: false }, pointer: { show: false }, anchor: { show: false },
        title: { offsetCenter: [0, "70%"], fontSize: narrow ? 11 : 13, color: "#333" },
        detail: { valueAnimation: false, offsetCenter: [0, "0%"], fontSize: narrow ? 16 : 22, color: red, formatter: "{value}%" },
        data: [{ value: r.value, name: r.name }] });
    });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      legend: hasBars ? { top: 0, right: 8, data: [data.year + "年", (data.year - 1) + "年"] } : undefined,
      tooltip: hasBars ? { trigger: "axis", axisPointer: { type: "shadow" } } : undefined,
      grid: grids, xAxis: xAxes, yAxis: yAxes, series: series
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
});
