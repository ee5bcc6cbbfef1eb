// The chart page: uPlot over /installations/<code>/chart/series, refetched on every zoom or pan
// so each view is drawn from the resolution that fits it (raw readings up to yearly rollups).
(() => {
  "use strict";
  const PALETTE = ["#0b6e4f", "#2e6fd3", "#b54708", "#8e44ad", "#c0392b", "#16a085", "#5d6b78", "#d35400"];
  const LIVE_REFRESH_MS = 60000;

  function start() {
    const configElement = document.getElementById("chart-config");
    const target = document.getElementById("chart");
    if (!configElement || !target || typeof uPlot === "undefined") return;
    const config = JSON.parse(configElement.textContent);
    const status = document.getElementById("chart-status");
    const panel = document.getElementById("chart-panel");
    const tz = config.timeZone || "UTC";
    let preset = 86400;
    let range = presetRange(preset);
    let live = true;
    let plot = null;
    let plotKey = "";
    let requestId = 0;
    let reloadTimer = null;

    function nowSeconds() { return Date.now() / 1000; }
    function presetRange(seconds) { const to = nowSeconds(); return { from: to - seconds, to: to }; }

    function selectedChannels() {
      return Array.from(panel.querySelectorAll('input[name="channel"]:checked')).map((box) => box.value);
    }

    function markPreset() {
      panel.querySelectorAll("[data-preset]").forEach((button) => {
        const active = live && Number(button.dataset.preset) === preset;
        button.classList.toggle("outline", !active);
        button.setAttribute("aria-pressed", active ? "true" : "false");
      });
    }

    function setRange(from, to, isLive) {
      const now = nowSeconds();
      const span = Math.max(to - from, 60);
      to = Math.min(to, now + 60);
      from = to - span;
      range = { from: from, to: to };
      live = Boolean(isLive);
      markPreset();
      fillCustomInputs();
      if (plot) plot.setScale("x", { min: from, max: to });
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(load, 150);
    }

    async function load() {
      const names = selectedChannels();
      const id = ++requestId;
      if (!names.length) {
        draw({ series: [] });
        status.textContent = "Choose at least one channel below.";
        return;
      }
      // About two points per pixel column: the min-max band then shows every spike.
      const points = Math.max(400, Math.min(4000, 2 * Math.round(target.clientWidth || 1000)));
      const params = new URLSearchParams();
      names.forEach((name) => params.append("channel", name));
      params.set("from", range.from.toFixed(3));
      params.set("to", range.to.toFixed(3));
      params.set("points", String(points));
      status.textContent = "Loading…";
      let data;
      try {
        const response = await fetch(config.seriesUrl + "?" + params.toString(), {
          credentials: "same-origin", headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error("the server answered " + response.status);
        data = await response.json();
      } catch (error) {
        if (id === requestId) status.textContent = "Could not load the data: " + error.message;
        return;
      }
      if (id !== requestId) return; // a newer request is on its way
      draw(data);
      describe(data);
    }

    function resolutionText(seconds) {
      if (seconds === 0) return "raw readings";
      if (seconds < 3600) return Math.round(seconds / 60) + "-minute buckets";
      if (seconds < 86400) return Math.round(seconds / 3600) + "-hour buckets";
      return Math.round(seconds / 86400) + "-day buckets";
    }

    function describe(data) {
      const parts = data.series.map((s) => s.channel + ": " + s.rows.length.toLocaleString() + " points, " + resolutionText(s.resolution));
      const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: tz, dateStyle: "medium", timeStyle: "short" });
      status.textContent = fmt.format(new Date(range.from * 1000)) + " – " + fmt.format(new Date(range.to * 1000)) +
        (live ? " (live)" : "") + " · " + parts.join(" · ") + " · served in " + data.ms + " ms";
    }

    function tables(data) {
      // Per channel [x, min, avg, max]; uPlot.join aligns channels with different timestamps.
      return data.series.map((s) => [
        s.rows.map((row) => row[0] / 1000), s.rows.map((row) => row[1]),
        s.rows.map((row) => row[2]), s.rows.map((row) => row[3]),
      ]);
    }

    function options(data) {
      const units = [];
      data.series.forEach((s) => { const unit = s.unit || "value"; if (!units.includes(unit)) units.push(unit); });
      const series = [{ label: "Time" }];
      const bands = [];
      data.series.forEach((s, index) => {
        const color = PALETTE[index % PALETTE.length];
        const scale = s.unit || "value";
        const base = 1 + index * 3;
        series.push({ label: s.channel + " min", scale: scale, stroke: "transparent", points: { show: false }, width: 0, value: (u, v) => format(v, s.unit) });
        series.push({ label: s.channel, scale: scale, stroke: color, width: 1.75, points: { show: false }, value: (u, v) => format(v, s.unit) });
        series.push({ label: s.channel + " max", scale: scale, stroke: "transparent", points: { show: false }, width: 0, value: (u, v) => format(v, s.unit) });
        bands.push({ series: [base + 2, base], fill: color + "26" });
      });
      const axes = [{ stroke: "#5d6b78", grid: { stroke: "#eef1f4" }, values: timeLabels, space: 70 }];
      units.slice(0, 2).forEach((unit, index) => {
        axes.push({
          scale: unit, side: index === 0 ? 3 : 1, stroke: "#5d6b78", size: 64,
          grid: { show: index === 0, stroke: "#eef1f4" },
          label: unit === "value" ? "" : unit,
        });
      });
      const scales = { x: { time: true, auto: false, range: () => [range.from, range.to] } };
      units.forEach((unit) => { scales[unit] = { auto: true }; });
      return {
        width: Math.max(target.clientWidth, 300),
        height: 420,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), tz),
        series: series,
        bands: bands,
        axes: axes,
        scales: scales,
        legend: { live: true },
        cursor: { drag: { x: true, y: false, setScale: false }, focus: { prox: 24 } },
        hooks: {
          setSelect: [(u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, "x");
            const to = u.posToVal(u.select.left + u.select.width, "x");
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            setRange(from, to, false);
          }],
        },
      };
    }

    // Axis labels as people here read them: 24-hour clock, day before month, in the plant's zone.
    function timeLabels(u, splits, axisIndex, space, increment) {
      const options = increment < 86400
        ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
        : increment < 28 * 86400 ? { day: "numeric", month: "short" } : { month: "short", year: "numeric" };
      const formatter = new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: tz }, options));
      const dayFormatter = new Intl.DateTimeFormat("en-GB", { timeZone: tz, day: "numeric", month: "short" });
      let lastDay = "";
      return splits.map((split) => {
        const date = new Date(split * 1000);
        let label = formatter.format(date);
        if (increment < 86400) {
          const day = dayFormatter.format(date);
          if (day !== lastDay) { label += "\n" + day; lastDay = day; }
        }
        return label;
      });
    }

    function format(value, unit) {
      if (value === null || value === undefined) return "—";
      const rounded = Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(2);
      return rounded + (unit ? " " + unit : "");
    }

    function draw(data) {
      const key = data.series.map((s) => s.channel + "|" + s.unit).join(",");
      const aligned = data.series.length ? uPlot.join(tables(data)) : [[]];
      if (plot && key === plotKey) {
        plot.setData(aligned, false);
        plot.setScale("x", { min: range.from, max: range.to });
        return;
      }
      if (plot) plot.destroy();
      target.textContent = "";
      if (!data.series.length) { plot = null; plotKey = ""; return; }
      plot = new uPlot(options(data), aligned, target);
      plotKey = key;
      plot.over.addEventListener("wheel", onWheel, { passive: false });
      plot.over.addEventListener("dblclick", () => choosePreset(preset));
    }

    function onWheel(event) {
      event.preventDefault();
      const rect = plot.over.getBoundingClientRect();
      const fraction = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
      zoom(event.deltaY < 0 ? 0.8 : 1.25, fraction);
    }

    function zoom(factor, fraction) {
      const span = range.to - range.from;
      const anchor = range.from + span * fraction;
      const newSpan = Math.min(Math.max(span * factor, 120), 20 * 366 * 86400);
      setRange(anchor - newSpan * fraction, anchor + newSpan * (1 - fraction), false);
    }

    function pan(fraction) {
      const shift = (range.to - range.from) * fraction;
      const to = range.to + shift;
      setRange(range.from + shift, to, to >= nowSeconds() - 1);
    }

    function choosePreset(seconds) {
      preset = seconds;
      const next = presetRange(seconds);
      setRange(next.from, next.to, true);
    }

    // Times typed into the custom range are wall-clock times of the installation's zone.
    function zoneOffset(ms) {
      const parts = {};
      new Intl.DateTimeFormat("en-US", {
        timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      }).formatToParts(new Date(ms)).forEach((p) => { parts[p.type] = p.value; });
      const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
      return asUtc - Math.floor(ms / 1000) * 1000;
    }
    function zonedToSeconds(text) {
      const wall = Date.parse(text + "Z");
      if (Number.isNaN(wall)) return null;
      const first = wall - zoneOffset(wall);
      return (wall - zoneOffset(first)) / 1000;
    }
    function secondsToZoned(seconds) {
      const local = new Date(seconds * 1000 + zoneOffset(seconds * 1000));
      return local.toISOString().slice(0, 16);
    }
    const custom = document.getElementById("custom-range");
    function fillCustomInputs() {
      if (!custom) return;
      custom.elements.from.value = secondsToZoned(range.from);
      custom.elements.to.value = secondsToZoned(range.to);
    }
    if (custom) {
      custom.addEventListener("submit", (event) => {
        event.preventDefault();
        const from = zonedToSeconds(custom.elements.from.value);
        const to = zonedToSeconds(custom.elements.to.value);
        if (from === null || to === null || from >= to) {
          status.textContent = "Choose a start before the end.";
          return;
        }
        setRange(from, to, false);
      });
    }

    panel.querySelectorAll("[data-preset]").forEach((button) => {
      button.addEventListener("click", () => choosePreset(Number(button.dataset.preset)));
    });
    panel.querySelectorAll("[data-pan]").forEach((button) => {
      button.addEventListener("click", () => pan(Number(button.dataset.pan)));
    });
    panel.querySelectorAll("[data-zoom]").forEach((button) => {
      button.addEventListener("click", () => zoom(Number(button.dataset.zoom), 0.5));
    });
    panel.querySelectorAll('input[name="channel"]').forEach((box) => {
      box.addEventListener("change", () => {
        if (selectedChannels().length > config.maxChannels) box.checked = false;
        load();
      });
    });
    target.tabIndex = 0;
    target.addEventListener("keydown", (event) => {
      const actions = { ArrowLeft: () => pan(-0.25), ArrowRight: () => pan(0.25), "+": () => zoom(0.5, 0.5), "=": () => zoom(0.5, 0.5), "-": () => zoom(2, 0.5) };
      if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
    });
    window.addEventListener("resize", () => {
      if (plot) plot.setSize({ width: Math.max(target.clientWidth, 300), height: 420 });
    });
    // A live view follows the clock: every 10 s for a day or less, every minute beyond.
    function refreshLater() {
      const span = range.to - range.from;
      setTimeout(() => {
        if (live && !document.hidden) { range = presetRange(preset); load(); }
        refreshLater();
      }, span <= 86400 ? 10000 : LIVE_REFRESH_MS);
    }
    refreshLater();

    markPreset();
    fillCustomInputs();
    load();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
