// The dashboard: filters drive the map, the timeline and the table together; the whole state (filters,
// sort, map view, open event) lives in the URL, so a link shows the same thing to a colleague.

import { EventView } from "./event.js";
import { MapView } from "./map.js";
import { EventTable } from "./table.js";
import { Timeline } from "./timeline.js";
import { EVENT_TYPES, Latest, debounce, el, formatCount, getJSON, query, typeColour } from "./util.js";

const FILTERS = ["since", "until", "country", "event_type", "admin1", "actor", "text", "min_fatalities"];
const EXPORTS = [
  ["acled-csv", "ACLED CSV"],
  ["geojson", "GeoJSON"],
  ["jsonl", "JSON Lines (with evidence)"],
  ["parquet", "Parquet"],
];

const form = document.getElementById("filters");
const errorBox = document.getElementById("error");
const totals = document.getElementById("totals");
const statsRequests = new Latest();

const state = { filters: {}, sort: "-event_date", event: null, view: null };

function showError(error) {
  if (!error) {
    errorBox.hidden = true;
    errorBox.textContent = "";
    return;
  }
  errorBox.hidden = false;
  errorBox.textContent = error.message || String(error);
}

// ------------------------------------------------------------------------------------------- URL state
function readUrl() {
  const params = new URLSearchParams(window.location.search);
  state.filters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) state.filters[name] = value;
  }
  state.sort = params.get("sort") || "-event_date";
  state.event = params.get("event");
  const view = (params.get("view") || "").split(",").map(Number);
  state.view = view.length === 3 && view.every(Number.isFinite) ? { lon: view[0], lat: view[1], zoom: view[2] } : null;
}

function writeUrl(push = false) {
  const params = { ...state.filters };
  if (state.sort !== "-event_date") params.sort = state.sort;
  if (state.view) params.view = [state.view.lon.toFixed(3), state.view.lat.toFixed(3), state.view.zoom.toFixed(2)].join(",");
  if (state.event) params.event = state.event;
  const url = window.location.pathname + query(params);
  if (url === window.location.pathname + window.location.search) return;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

function fillForm() {
  for (const name of FILTERS) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    const value = state.filters[name] || "";
    if (field.tagName === "SELECT" && value && ![...field.options].some((o) => o.value === value)) {
      field.append(el("option", { value, text: value }));
    }
    field.value = value;
  }
}

function readForm() {
  const filters = {};
  for (const name of FILTERS) {
    const field = form.elements.namedItem(name);
    const value = field ? field.value.trim() : "";
    if (value) filters[name] = value;
  }
  return filters;
}

// ------------------------------------------------------------------------------------------- parts
const mapView = new MapView(document.getElementById("map"), document.getElementById("map-status"), {
  onSelect: (id) => openEvent(id),
  onViewChange: (view) => {
    state.view = view;
    writeUrl();
  },
});
const timeline = new Timeline(document.getElementById("timeline"), {
  onRange: (since, until) => {
    state.filters = { ...state.filters, since, until };
    fillForm();
    refresh();
  },
});
const table = new EventTable(document.getElementById("events"), document.getElementById("table-status"), document.getElementById("more"), {
  onSelect: (id) => openEvent(id),
  onSort: (sort) => {
    state.sort = sort;
    writeUrl();
    table.show(state.filters, state.sort, table.total).catch(showError);
  },
});
const eventView = new EventView(document.getElementById("event"), { onClose: () => closeEvent() });

function openEvent(id, push = true) {
  state.event = id;
  writeUrl(push);
  mapView.select(id);
  table.select(id);
  document.body.classList.add("with-event");
  eventView.open(id).catch(showError);
}

function closeEvent(push = true) {
  state.event = null;
  writeUrl(push);
  mapView.select(null);
  table.select(null);
  document.body.classList.remove("with-event");
  eventView.close();
}

// ------------------------------------------------------------------------------------------- loading
async function refresh() {
  showError(null);
  writeUrl();
  updateExports();
  mapView.setFilters(state.filters);
  const tableDone = table.show(state.filters, state.sort, null);
  try {
    const stats = await statsRequests.run((signal) => getJSON("/api/stats", state.filters, signal));
    if (stats !== undefined) {
      totals.textContent = `${formatCount(stats.events)} events · ${formatCount(stats.fatalities)} fatalities`;
      totals.dataset.events = String(stats.events);
      timeline.show(stats);
      table.setTotal(stats.events);
    }
    await tableDone;
  } catch (error) {
    showError(error);
  }
}

function updateExports() {
  const list = document.getElementById("export-links");
  list.replaceChildren(
    ...EXPORTS.map(([format, name]) =>
      el("li", {}, el("a", { href: "/api/export" + query({ ...state.filters, format }), download: "", text: name })),
    ),
  );
}

async function fillChoices() {
  const [meta, all] = await Promise.all([getJSON("/api/meta"), getJSON("/api/stats")]);
  const type = form.elements.namedItem("event_type");
  for (const [name, subs] of Object.entries(meta.event_types)) {
    const group = el("optgroup", { label: name });
    group.append(el("option", { value: name, text: `${name} (all)` }), ...subs.map((s) => el("option", { value: s, text: s })));
    type.append(group);
  }
  const country = form.elements.namedItem("country");
  for (const c of all.by_country) {
    if (c.key) country.append(el("option", { value: c.key, text: `${c.label || c.key} (${formatCount(c.events)})` }));
  }
}

function drawLegend() {
  const legend = document.getElementById("legend");
  for (const [type] of EVENT_TYPES) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.backgroundColor = typeColour(type);
    legend.append(el("span", { class: "legend-item" }, swatch, type));
  }
  legend.append(el("span", { class: "legend-item sub", text: "dot size: fatalities · rings: events per type, zoom in for each event" }));
}

function bindControls() {
  const apply = debounce(() => {
    state.filters = readForm();
    refresh();
  }, 300);
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    state.filters = readForm();
    refresh();
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      state.filters = {};
      fillForm();
      refresh();
    }, 0);
  });
  document.getElementById("zoom-in").addEventListener("click", () => mapView.zoomBy(2));
  document.getElementById("zoom-out").addEventListener("click", () => mapView.zoomBy(0.5));
  document.getElementById("zoom-reset").addEventListener("click", () => mapView.resetView());
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.event) closeEvent();
  });
  window.addEventListener("popstate", () => {
    readUrl();
    fillForm();
    if (state.event) openEvent(state.event, false);
    else closeEvent(false);
    refresh();
  });
}

async function start() {
  readUrl();
  drawLegend();
  bindControls();
  try {
    await Promise.all([fillChoices(), mapView.loadOutlines()]);
  } catch (error) {
    showError(error);
  }
  fillForm();
  if (state.view) mapView.setView(state.view, { quiet: true });
  await refresh();
  if (state.event) openEvent(state.event, false);
  document.body.dataset.ready = "1";
}

start();
