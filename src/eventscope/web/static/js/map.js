// The map: country outlines shipped with the package (world.json, Natural Earth), and the events the
// server returns for the visible box: each event when few, else counts per grid cell (never more than
// the server's limit, whatever the number of events).  Equirectangular projection; drag to pan, wheel or
// the buttons to zoom.

import { Latest, clear, debounce, formatCount, getJSON, svg, typeColour } from "./util.js";

const MIN_ZOOM = 1;
const MAX_ZOOM = 96;
const CLUSTER_PIXELS = 44; // a grid cell is about this wide on screen

export function pointRadius(fatalities) {
  return Math.min(26, 3.5 + 2.5 * Math.sqrt(Math.max(0, fatalities || 0)));
}

function clusterRadius(events) {
  return Math.min(20, 8 + 1.5 * Math.log2(1 + events));
}

// A ring split by event type (shares of the cluster's events), around the number of events.
function donut(byType, r) {
  const group = svg("g", { class: "donut" });
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  const inner = r * 0.58;
  let angle = -Math.PI / 2;
  for (const [type, n] of Object.entries(byType)) {
    const sweep = (n / total) * 2 * Math.PI;
    if (sweep >= 2 * Math.PI - 1e-6) {
      group.append(svg("circle", { r: ((r + inner) / 2).toFixed(1), fill: "none", stroke: typeColour(type), "stroke-width": (r - inner).toFixed(1) }));
      break;
    }
    const [a0, a1] = [angle, angle + sweep];
    const large = sweep > Math.PI ? 1 : 0;
    const p = (radius, a) => `${(radius * Math.cos(a)).toFixed(2)} ${(radius * Math.sin(a)).toFixed(2)}`;
    const d = `M${p(r, a0)}A${r} ${r} 0 ${large} 1 ${p(r, a1)}L${p(inner, a1)}A${inner} ${inner} 0 ${large} 0 ${p(inner, a0)}Z`;
    group.append(svg("path", { d, fill: typeColour(type), "data-type": type }));
    angle = a1;
  }
  group.append(svg("circle", { r: inner.toFixed(1), class: "donut-hole" }));
  return group;
}

export class MapView {
  constructor(container, status, { onSelect, onViewChange }) {
    this.container = container;
    this.status = status;
    this.onSelect = onSelect;
    this.onViewChange = onViewChange;
    this.filters = {};
    this.view = { lon: 20, lat: 15, zoom: 1 };
    this.layer = null;
    this.selected = null;
    this.fitted = false; // the view has been set, by the URL, the user or a fit to the events
    this.auto = true; // no view chosen by the user: fit the view to the events whenever the filters change
    this.latest = new Latest();
    this.width = 800;
    this.height = 400;

    this.root = svg("svg", { class: "map-svg", role: "img", "aria-label": "Map of the events" });
    this.land = svg("g", { class: "land" });
    this.marks = svg("g", { class: "marks" });
    this.root.append(this.land, this.marks);
    container.append(this.root);
    const load = debounce(() => this.load(), 200);
    // data-state is "loading" from the moment a reload is due until its events are drawn.
    this.reload = () => {
      this.container.dataset.state = "loading";
      load();
    };
    this.bindGestures();
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  async loadOutlines() {
    const world = await getJSON("/static/world.json");
    for (const country of world.countries) {
      const d = country.rings
        .map((ring) => {
          let path = "";
          for (let i = 0; i < ring.length; i += 2) {
            path += (i === 0 ? "M" : "L") + (ring[i] + 180).toFixed(2) + " " + (90 - ring[i + 1]).toFixed(2);
          }
          return path + "Z";
        })
        .join("");
      const shape = svg("path", { d, class: "country" });
      shape.append(svg("title", { text: country.name }));
      this.land.append(shape);
    }
  }

  // ---------------------------------------------------------------- projection
  get scale() {
    return this.view.zoom * (this.width / 360);
  }

  get offset() {
    const s = this.scale;
    return [this.width / 2 - (this.view.lon + 180) * s, this.height / 2 - (90 - this.view.lat) * s];
  }

  project(lon, lat) {
    const s = this.scale;
    const [tx, ty] = this.offset;
    return [tx + (lon + 180) * s, ty + (90 - lat) * s];
  }

  unproject(x, y) {
    const s = this.scale;
    const [tx, ty] = this.offset;
    return [(x - tx) / s - 180, 90 - (y - ty) / s];
  }

  visibleBox() {
    const [west, north] = this.unproject(0, 0);
    const [east, south] = this.unproject(this.width, this.height);
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(west, -180, 180), clamp(south, -90, 90), clamp(east, -180, 180), clamp(north, -90, 90)]
      .map((v) => v.toFixed(3))
      .join(",");
  }

  // A view from the URL or the user (auto = false), or from a fit to the events (auto = true).
  setView(view, { quiet = false, auto = false } = {}) {
    this.auto = auto;
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom));
    const lon = Math.min(180, Math.max(-180, view.lon));
    const lat = Math.min(85, Math.max(-85, view.lat));
    this.view = { lon, lat, zoom };
    this.fitted = true;
    this.drawLand();
    this.drawMarks();
    if (!quiet) {
      this.onViewChange(auto ? null : this.view);
      this.reload();
    }
  }

  fitTo(points) {
    if (!points.length) return;
    const lons = points.map((p) => p.longitude);
    const lats = points.map((p) => p.latitude);
    const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    const spanLon = Math.max(8, (e - w) * 1.3);
    const spanLat = Math.max(6, (n - s) * 1.3);
    const zoom = Math.min(360 / spanLon, (this.height * 360) / (this.width * spanLat), 24);
    this.setView({ lon: (w + e) / 2, lat: (s + n) / 2, zoom: Math.max(MIN_ZOOM, zoom) }, { auto: true });
  }

  resize() {
    const box = this.container.getBoundingClientRect();
    this.width = Math.max(200, Math.round(box.width));
    this.height = Math.max(150, Math.round(box.height));
    this.root.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
    this.root.setAttribute("width", this.width);
    this.root.setAttribute("height", this.height);
    this.drawLand();
    this.drawMarks();
  }

  drawLand() {
    const [tx, ty] = this.offset;
    this.land.setAttribute("transform", `translate(${tx.toFixed(2)} ${ty.toFixed(2)}) scale(${this.scale.toFixed(5)})`);
  }

  // ---------------------------------------------------------------- data
  setFilters(filters) {
    this.filters = filters;
    if (this.auto) this.fitted = false;
    this.load();
  }

  async load() {
    const cell = Math.min(45, Math.max(0.01, CLUSTER_PIXELS / this.scale));
    const params = { ...this.filters, cell: cell.toPrecision(3) };
    if (this.fitted) params.view = this.visibleBox();
    this.container.dataset.state = "loading";
    this.container.setAttribute("aria-busy", "true");
    const layer = await this.latest.run((signal) => getJSON("/api/map", params, signal));
    if (layer === undefined) return;
    this.container.removeAttribute("aria-busy");
    this.layer = layer;
    if (!this.fitted) {
      this.fitted = true;
      const located = layer.mode === "points" ? layer.points : layer.cells;
      if (located.length) {
        this.fitTo(located);
        return; // fitTo loads the fitted view
      }
    }
    this.drawMarks();
    this.container.dataset.state = "ready";
  }

  select(eventId) {
    this.selected = eventId;
    this.drawMarks();
  }

  drawMarks() {
    clear(this.marks);
    const layer = this.layer;
    if (!layer) return;
    let events = 0;
    if (layer.mode === "points") {
      const points = [...layer.points].sort((a, b) => b.fatalities - a.fatalities);
      for (const p of points) {
        const [x, y] = this.project(p.longitude, p.latitude);
        const circle = svg("circle", {
          cx: x.toFixed(1),
          cy: y.toFixed(1),
          r: pointRadius(p.fatalities).toFixed(1),
          fill: typeColour(p.event_type),
          class: "point" + (p.event_id === this.selected ? " selected" : ""),
          "data-event-id": p.event_id,
          tabindex: "0",
          role: "button",
          "aria-label": `${p.sub_event_type}, ${p.location || "unknown place"}, ${p.event_date || "undated"}`,
        });
        const title = `${p.event_date || "undated"} · ${p.sub_event_type} · ${p.location || "?"} · ${p.fatalities} fatalities`;
        circle.append(svg("title", { text: title }));
        circle.addEventListener("click", () => this.onSelect(p.event_id));
        circle.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") this.onSelect(p.event_id);
        });
        this.marks.append(circle);
      }
      events = layer.points.length;
      this.status.textContent = `${formatCount(events)} events on the map`;
    } else {
      const cells = [...layer.cells].sort((a, b) => b.events - a.events);
      for (const c of cells) {
        const [x, y] = this.project(c.longitude, c.latitude);
        const r = clusterRadius(c.events);
        const group = svg("g", { class: "cluster", transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})`, tabindex: "0" });
        group.append(donut(c.by_type, r));
        group.append(svg("text", { class: "cluster-count", dy: "0.35em", text: compact(c.events) }));
        const lines = Object.entries(c.by_type).map(([t, n]) => `${t}: ${formatCount(n)}`);
        group.append(svg("title", { text: `${formatCount(c.events)} events, ${formatCount(c.fatalities)} fatalities\n${lines.join("\n")}` }));
        const zoomIn = () => this.setView({ lon: c.longitude, lat: c.latitude, zoom: this.view.zoom * 4 });
        group.addEventListener("click", zoomIn);
        group.addEventListener("keydown", (e) => {
          if (e.key === "Enter") zoomIn();
        });
        this.marks.append(group);
        events += c.events;
      }
      this.status.textContent = `${formatCount(events)} events in ${formatCount(cells.length)} clusters (zoom in for single events)`;
    }
    this.container.dataset.mode = layer.mode;
    this.container.dataset.events = String(events);
    this.container.dataset.marks = String(this.marks.childElementCount);
  }

  // ---------------------------------------------------------------- gestures
  bindGestures() {
    let drag = null;
    this.root.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...this.view }, moved: false, id: e.pointerId };
    });
    this.root.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) this.root.setPointerCapture(drag.id);
      drag.moved = true;
      const s = this.scale;
      this.view = { ...drag.view, lon: drag.view.lon - dx / s, lat: drag.view.lat + dy / s };
      this.drawLand();
      this.drawMarks();
    });
    const end = () => {
      if (drag && drag.moved) this.setView(this.view);
      drag = null;
    };
    this.root.addEventListener("pointerup", end);
    this.root.addEventListener("pointercancel", end);
    this.root.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const box = this.root.getBoundingClientRect();
        this.zoomAround(e.clientX - box.left, e.clientY - box.top, e.deltaY < 0 ? 1.5 : 1 / 1.5);
      },
      { passive: false },
    );
  }

  zoomAround(x, y, factor) {
    const [lon, lat] = this.unproject(x, y);
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.view.zoom * factor));
    // Keep the place under the pointer where it is.
    const s = zoom * (this.width / 360);
    const centreLon = lon - (x - this.width / 2) / s;
    const centreLat = lat + (y - this.height / 2) / s;
    this.setView({ lon: centreLon, lat: centreLat, zoom });
  }

  zoomBy(factor) {
    this.zoomAround(this.width / 2, this.height / 2, factor);
  }

  resetView() {
    this.fitted = false;
    this.auto = true;
    this.view = { lon: 20, lat: 15, zoom: 1 };
    this.onViewChange(null);
    this.drawLand();
    this.load();
  }
}

function compact(n) {
  if (n >= 10000) return Math.round(n / 1000) + "k";
  if (n >= 1000) return (n / 1000).toFixed(1) + "k";
  return String(n);
}
