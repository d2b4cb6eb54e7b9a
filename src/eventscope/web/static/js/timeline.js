// The timeline: events per day, week or month, stacked by event type, from the server's counts
// (GET /api/stats by_day_type).  Drag across it to filter to those dates.

import { EVENT_TYPES, OTHER_COLOUR, clear, formatCount, svg, typeColour } from "./util.js";

const HEIGHT = 170;
const MARGIN = { left: 44, right: 12, top: 18, bottom: 24 };
const DAY = 86400000;

function toDay(iso) {
  return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
}

function iso(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// The bin a day falls in, and the bin after it, for a granularity.
const BINS = {
  day: { start: (ms) => ms, next: (ms) => ms + DAY, label: "day" },
  week: {
    start: (ms) => ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY, // Monday
    next: (ms) => ms + 7 * DAY,
    label: "week",
  },
  month: {
    start: (ms) => {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    },
    next: (ms) => {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    },
    label: "month",
  },
};

export class Timeline {
  constructor(container, { onRange }) {
    this.container = container;
    this.onRange = onRange;
    this.stats = null;
    this.root = svg("svg", { class: "timeline-svg", role: "img", "aria-label": "Events over time, by type" });
    container.append(this.root);
    this.frame = null;
    this.band = null;
    this.bindBrush();
    new ResizeObserver(() => this.draw()).observe(container);
  }

  show(stats) {
    this.stats = stats;
    this.draw();
  }

  draw() {
    clear(this.root);
    const width = Math.max(300, Math.round(this.container.getBoundingClientRect().width));
    this.root.setAttribute("viewBox", `0 0 ${width} ${HEIGHT}`);
    this.root.setAttribute("width", width);
    this.root.setAttribute("height", HEIGHT);
    const rows = this.stats ? this.stats.by_day_type : [];
    let total = 0;
    if (!rows.length) {
      this.root.append(svg("text", { x: width / 2, y: HEIGHT / 2, class: "empty", text: "No dated events" }));
      this.container.dataset.total = "0";
      this.container.dataset.bars = "0";
      this.frame = null;
      return;
    }
    const first = toDay(rows[0].day);
    const last = toDay(rows[rows.length - 1].day);
    const spanDays = (last - first) / DAY;
    const bin = spanDays <= 120 ? BINS.day : spanDays <= 3 * 366 ? BINS.week : BINS.month;
    const bins = new Map();
    for (const row of rows) {
      const key = bin.start(toDay(row.day));
      if (!bins.has(key)) bins.set(key, new Map());
      const counts = bins.get(key);
      counts.set(row.event_type, (counts.get(row.event_type) || 0) + row.events);
      total += row.events;
    }
    const start = bin.start(first);
    const end = bin.next(bin.start(last));
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (ms) => MARGIN.left + ((ms - start) / (end - start)) * plotW;
    let peak = 1;
    for (const counts of bins.values()) peak = Math.max(peak, [...counts.values()].reduce((a, b) => a + b, 0));
    const y = (n) => (n / peak) * plotH;
    const order = [...EVENT_TYPES.map(([t]) => t)];
    const bars = svg("g", { class: "bars" });
    let barCount = 0;
    for (const [key, counts] of [...bins.entries()].sort((a, b) => a[0] - b[0])) {
      const x0 = x(key);
      const w = Math.max(1, x(bin.next(key)) - x0 - (plotW > 400 ? 1 : 0));
      let base = HEIGHT - MARGIN.bottom;
      const types = [...counts.keys()].sort((a, b) => rank(order, a) - rank(order, b));
      for (const type of types) {
        const h = y(counts.get(type));
        base -= h;
        const rect = svg("rect", {
          x: x0.toFixed(2),
          y: base.toFixed(2),
          width: w.toFixed(2),
          height: Math.max(0.5, h).toFixed(2),
          fill: typeColour(type) || OTHER_COLOUR,
          "data-type": type,
        });
        rect.append(svg("title", { text: `${bin.label} of ${iso(key)}: ${formatCount(counts.get(type))} ${type}` }));
        bars.append(rect);
        barCount += 1;
      }
    }
    this.band = svg("rect", { x: 0, y: MARGIN.top, width: 0, height: plotH, class: "brush-band" });
    this.frame = { left: MARGIN.left, plotW, start, end };
    this.root.append(this.axes(start, end, x, peak, width, bin), bars, this.band);
    this.container.dataset.total = String(total);
    this.container.dataset.bars = String(barCount);
    this.container.dataset.bin = bin.label;
  }

  axes(start, end, x, peak, width, bin) {
    const g = svg("g", { class: "axes" });
    const bottom = HEIGHT - MARGIN.bottom;
    g.append(svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: bottom, y2: bottom }));
    g.append(svg("text", { x: MARGIN.left - 6, y: MARGIN.top + 8, class: "y-label", text: formatCount(peak) }));
    g.append(svg("text", { x: MARGIN.left - 6, y: bottom, class: "y-label", text: "0" }));
    g.append(svg("text", { x: width - MARGIN.right, y: 11, class: "unit", text: `events per ${bin.label}` }));
    const ticks = 6;
    for (let i = 0; i <= ticks; i += 1) {
      const ms = start + ((end - start) * i) / ticks;
      const label = bin === BINS.month ? iso(ms).slice(0, 7) : iso(ms);
      const anchor = i === 0 ? "start" : i === ticks ? "end" : "middle";
      g.append(svg("text", { x: x(ms).toFixed(1), y: HEIGHT - 6, class: `x-label ${anchor}`, text: label }));
    }
    return g;
  }

  // Drag across the plot: since/until become the first and last day under the selection.
  bindBrush() {
    let from = null;
    const local = (e) => {
      const box = this.root.getBoundingClientRect();
      const { left, plotW } = this.frame;
      return Math.min(left + plotW, Math.max(left, e.clientX - box.left));
    };
    this.root.addEventListener("pointerdown", (e) => {
      if (!this.frame || e.button !== 0) return;
      from = local(e);
      this.root.setPointerCapture(e.pointerId);
    });
    this.root.addEventListener("pointermove", (e) => {
      if (from === null) return;
      const to = local(e);
      this.band.setAttribute("x", Math.min(from, to).toFixed(1));
      this.band.setAttribute("width", Math.abs(to - from).toFixed(1));
    });
    this.root.addEventListener("pointerup", (e) => {
      if (from === null) return;
      const to = local(e);
      const [a, b] = [Math.min(from, to), Math.max(from, to)];
      from = null;
      this.band.setAttribute("width", "0");
      if (b - a < 4) return;
      const { left, plotW, start, end } = this.frame;
      const toMs = (px) => start + ((px - left) / plotW) * (end - start);
      this.onRange(iso(Math.floor(toMs(a) / DAY) * DAY), iso(Math.floor((toMs(b) - 1) / DAY) * DAY));
    });
  }
}

function rank(order, type) {
  const i = order.indexOf(type);
  return i < 0 ? order.length : i;
}
