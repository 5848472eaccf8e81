// The command dashboard's charts: drawn with the locally served ECharts from the numbers the
// page carries (#dashboard-data); each chart also has its numbers in a table on the page,
// so a phone without JavaScript, or a screen reader, loses nothing.
(() => {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang || "zh-Hans";
  const number = new Intl.NumberFormat(lang);
  const dayFormat = new Intl.DateTimeFormat(lang, { month: "numeric", day: "numeric", timeZone: "UTC" });
  const day = (iso) => dayFormat.format(new Date(`${iso}T00:00:00Z`));
  const style = getComputedStyle(document.documentElement);
  const color = (key) => style.getPropertyValue(`--dash-${key}`).trim() || undefined;
  const charts = [];

  function mount(key, option) {
    const element = document.querySelector(`[data-chart="${key}"]`);
    if (!element) return null;
    element.parentElement.hidden = false; // the chart and its legend (the page's own list)
    // Its height from the number of bars (a style attribute would break the page's CSP).
    if (element.dataset.bars) element.style.setProperty("--bars", element.dataset.bars);
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" }, valueFormatter: (v) => number.format(v) },
      legend: { show: false },
      grid: { left: 8, right: 12, top: 12, bottom: 8, containLabel: true },
      ...option,
    });
    charts.push(chart);
    return chart;
  }

  const count = { type: "value", minInterval: 1, axisLabel: { formatter: (v) => number.format(v) } };

  function byDay(key, chart) {
    if (!chart) return;
    mount(key, {
      xAxis: { type: "category", data: chart.days.map(day), axisLabel: { hideOverlap: true } },
      yAxis: count,
      series: chart.series.map((s) => ({
        name: s.name, type: s.type || "bar", stack: s.type ? undefined : "all", data: s.data,
        itemStyle: { color: color(s.key) }, lineStyle: { color: color(s.key) },
        symbolSize: 5, barMaxWidth: 18,
      })),
    });
  }

  function stackedBars(key, chart, onClick) {
    if (!chart || !chart.categories.length) return;
    const drawn = mount(key, {
      xAxis: count,
      yAxis: {
        type: "category", inverse: true, data: chart.categories,
        axisLabel: { width: 110, overflow: "truncate" },
      },
      series: chart.series.map((s) => ({
        name: s.name, type: "bar", stack: "all", data: s.data, barMaxWidth: 18,
        itemStyle: { color: color(s.key) },
      })),
    });
    if (drawn && onClick) {
      // Anywhere on a unit's line opens it: its name, its bar, or the room a short bar leaves.
      drawn.getZr().on("click", (event) => {
        const [, index] = drawn.convertFromPixel({ gridIndex: 0 }, [event.offsetX, event.offsetY]);
        if (Number.isInteger(index) && index >= 0 && index < chart.categories.length) {
          onClick(index);
        }
      });
    }
  }

  byDay("onset", data.onset);
  byDay("report", data.report);
  byDay("checkpoints", data.checkpoints);
  stackedBars("observations", data.observations);
  stackedBars("children", data.children, (index) => {
    window.location.href = data.children.urls[index];
  });

  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => charts.forEach((chart) => chart.resize()), 150);
  });
})();
