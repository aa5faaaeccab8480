// Bar chart of the unit ranking; the data comes from the page's json_script tag (no inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("metrics-chart");
  var src = document.getElementById("metrics-chart-data");
  if (!el || !src || typeof echarts === "undefined") return;
  var data = JSON.parse(src.textContent);
  var percent = data.unit === "%";
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var names = data.names.slice().reverse();
  var values = data.values.slice().reverse();
  el.style.height = Math.max(240, 36 * names.length + 60) + "px";
  chart.resize();
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 56, top: 16, bottom: 16, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
      valueFormatter: function (v) { return percent ? v.toFixed(1) + "%" : v + data.unit; } },
    xAxis: { type: "value", max: percent ? 100 : null, splitNumber: el.clientWidth < 500 ? 2 : 5, axisLabel: { formatter: percent ? "{value}%" : "{value}" } },
    yAxis: { type: "category", data: names, axisLabel: { width: el.clientWidth < 500 ? 90 : 180, overflow: "truncate" } },
    series: [{
      type: "bar", data: values, itemStyle: { color: "#b3171e" }, barMaxWidth: 22,
      label: { show: true, position: "right", formatter: function (p) { return percent ? p.value.toFixed(1) + "%" : p.value; } }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
