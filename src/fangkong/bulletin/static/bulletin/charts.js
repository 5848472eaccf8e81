// The public bulletin's two charts, from the counts the page carries (bulletin-series).
(() => {
  const source = document.getElementById("bulletin-series");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const labels = JSON.parse(document.getElementById("bulletin-labels").textContent);
  const days = data.days.map((day) => day.slice(5));
  const charts = [
    ["chart-new", "new_confirmed", "bar"],
    ["chart-total", "confirmed_total", "line"],
  ];
  for (const [id, key, type] of charts) {
    const element = document.getElementById(id);
    if (!element) continue;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 12, top: 12, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: labels[key], type, data: data[key], itemStyle: { color: "#b3261e" },
                 showSymbol: days.length < 40 }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
})();
