// Staff visit analytics: draws the daily chart with uPlot from the JSON endpoint named in
// data-source. No inline script (CSP); the figures are also in a table for people without JS.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("daily-chart");
  if (!holder || typeof uPlot === "undefined") {
    return;
  }
  const source = holder.getAttribute("data-source");
  fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((stats) => {
      const daily = stats.daily;
      const width = () => Math.max(320, holder.clientWidth);
      const options = {
        width: width(),
        height: 280,
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(4, max * 1.1)] } },
        axes: [{}, { label: "count" }],
        series: [
          {},
          { label: "Visits", stroke: "#0b6e4f", fill: "rgba(11, 110, 79, 0.12)", width: 2 },
          { label: "Page views", stroke: "#2e6fd3", width: 2, dash: [6, 4] },
        ],
      };
      const plot = new uPlot(options, [daily.days, daily.visits, daily.page_views], holder);
      window.addEventListener("resize", () => plot.setSize({ width: width(), height: 280 }));
    })
    .catch(() => {
      holder.textContent = "The chart could not be loaded; the figures are in the table below.";
    });
});
