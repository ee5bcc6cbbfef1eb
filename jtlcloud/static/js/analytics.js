// Staff visit analytics: draws the charts with uPlot from the JSON endpoint named in
// data-source. No inline script (CSP); the figures are also in tables for people without JS.
document.addEventListener("DOMContentLoaded", () => {
  const daily = document.getElementById("daily-chart");
  const length = document.getElementById("length-chart");
  if (!daily || typeof uPlot === "undefined") {
    return;
  }
  const widthOf = (holder) => Math.max(320, holder.clientWidth);
  const minutes = (seconds) => {
    if (seconds == null) return "–";
    const m = Math.floor(seconds / 60);
    return m ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.round(seconds)} s`;
  };
  const draw = (holder, height, series, data, axis) => {
    const plot = new uPlot(
      {
        width: widthOf(holder),
        height,
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(4, (max || 0) * 1.1)] } },
        axes: [{}, axis],
        series: [{}, ...series],
      },
      data,
      holder,
    );
    window.addEventListener("resize", () => plot.setSize({ width: widthOf(holder), height }));
    return plot;
  };
  fetch(daily.getAttribute("data-source"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((stats) => {
      const d = stats.daily;
      draw(
        daily,
        280,
        [
          { label: "Visits", stroke: "#0b6e4f", fill: "rgba(11, 110, 79, 0.12)", width: 2 },
          { label: "Page views", stroke: "#2e6fd3", width: 2, dash: [6, 4] },
        ],
        [d.days, d.visits, d.page_views],
        { label: "count" },
      );
      if (length) {
        draw(
          length,
          200,
          [{ label: "Average visit", stroke: "#b54708", width: 2, value: (u, v) => minutes(v) }],
          [d.days, d.average_visit_seconds],
          { label: "seconds", values: (u, ticks) => ticks.map((t) => minutes(t)) , size: 80 },
        );
      }
      daily.setAttribute("data-drawn", "true");
    })
    .catch(() => {
      daily.textContent = "The chart could not be loaded; the figures are in the table below.";
    });
});
