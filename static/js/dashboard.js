// Draws the dashboard charts from the JSON the page embeds (#chart-data).
// Every segment links to the filtered list behind it; the tables under each
// chart hold the same figures. SVG rendering keeps printouts sharp.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const atlasUrl = document.getElementById("dashboard-script").dataset.atlas;
  const charts = [];

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) return null;
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", (params) => {
      const url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
    return chart;
  }

  function bars(id, items, horizontal) {
    const labels = items.map((item) => item.label);
    const values = items.map((item) => ({
      value: item.value,
      url: item.url,
      itemStyle: item.color ? { color: item.color } : undefined,
    }));
    const category = { type: "category", data: labels, axisLabel: { interval: 0, width: 110, overflow: "break" } };
    const value = { type: "value", minInterval: 1 };
    draw(id, {
      grid: { left: horizontal ? 140 : 40, right: 20, top: 10, bottom: horizontal ? 20 : 60 },
      tooltip: { trigger: "item" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: [{ type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top" } }],
    });
  }

  // The pipeline, in the order documents move through it.
  bars("chart-funnel", data.funnel, true);

  draw("chart-signed", {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 40, right: 20, top: 10, bottom: 50 },
    xAxis: { type: "category", data: data.signed.years.map(String) },
    yAxis: { type: "value", minInterval: 1 },
    series: data.signed.series.map((series) => ({
      name: series.name, type: "bar", stack: "signed", data: series.data,
    })),
  });

  bars("chart-health", data.health, true);
  bars("chart-status", data.status, true);
  bars("chart-slippage", data.slippage, false);

  fetch(atlasUrl)
    .then((response) => response.json())
    .then((topology) => {
      const world = topojson.feature(topology, topology.objects.countries);
      world.features.forEach((feature) => {
        feature.properties.name = data.map.numeric[feature.id] || feature.properties.name;
      });
      echarts.registerMap("world", world);
      const counts = data.map.counts;
      const max = Math.max(1, ...Object.values(counts));
      draw("chart-map", {
        tooltip: {
          trigger: "item",
          formatter: (p) => `${data.map.names[p.name] || p.name}: ${p.value || 0} ${data.map.label}`,
        },
        visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, inRange: { color: ["#e7f0fd", "#0d6efd", "#052c65"] } },
        series: [{
          type: "map",
          map: "world",
          roam: false,
          emphasis: { label: { show: false } },
          data: Object.entries(counts).map(([code, value]) => (
            { name: code, value: value, url: data.map.urls[code] }
          )),
        }],
      });
    });

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  // A printout carries each chart's table too.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details").forEach((details) => { details.open = true; });
    charts.forEach((chart) => chart.resize());
  });
})();
