// The event table: one page at a time from GET /api/events (cursor paging), sorted by a column.

import { Latest, clear, el, formatCount, getJSON, typeColour } from "./util.js";

const COLUMNS = [
  { label: "Date", sort: "event_date", first: "-", cell: (e) => e.event_date || "undated" },
  { label: "Event", sort: "event_type", first: "", cell: (e) => typeCell(e) },
  { label: "Actors", cell: (e) => [e.actor1 || "", e.actor2 ? el("span", { class: "vs", text: " vs " }) : null, e.actor2 || ""] },
  { label: "Place", sort: "location", first: "", cell: (e) => placeCell(e) },
  { label: "Deaths", sort: "fatalities", first: "-", cell: (e) => String(e.fatalities ?? ""), class: "num" },
  { label: "Sources", sort: "n_articles", first: "-", cell: (e) => String(e.n_articles ?? 1), class: "num" },
];
const PAGE = 50;

function placeCell(e) {
  const region = e.admin1 && e.admin1 !== e.location ? `, ${e.admin1}` : "";
  return [e.location || "", region, e.country ? el("div", { class: "sub", text: e.country }) : null];
}

function typeCell(e) {
  return [
    el("span", { class: "swatch", "data-colour": e.event_type || "" }),
    el("span", { text: e.sub_event_type || e.event_type || "" }),
  ];
}

export class EventTable {
  constructor(table, status, more, { onSelect, onSort }) {
    this.table = table;
    this.status = status;
    this.more = more;
    this.onSelect = onSelect;
    this.onSort = onSort;
    this.filters = {};
    this.sort = "-event_date";
    this.cursor = null;
    this.total = null;
    this.shown = 0;
    this.selected = null;
    this.latest = new Latest();
    this.head = el("thead");
    this.body = el("tbody");
    table.append(this.head, this.body);
    more.addEventListener("click", () => this.load(true));
    this.drawHead();
  }

  drawHead() {
    clear(this.head);
    const row = el("tr");
    const field = this.sort.replace(/^-/, "");
    for (const column of COLUMNS) {
      if (!column.sort) {
        row.append(el("th", { scope: "col", text: column.label }));
        continue;
      }
      const active = column.sort === field;
      const direction = active ? (this.sort.startsWith("-") ? "descending" : "ascending") : "none";
      const button = el("button", { type: "button", class: "sort", "data-sort": column.sort }, column.label,
        active ? el("span", { class: "arrow", "aria-hidden": "true", text: this.sort.startsWith("-") ? " ▼" : " ▲" }) : null);
      button.addEventListener("click", () => {
        const next = active ? (this.sort.startsWith("-") ? column.sort : "-" + column.sort) : column.first + column.sort;
        this.onSort(next);
      });
      row.append(el("th", { scope: "col", "aria-sort": direction, class: column.class || null }, button));
    }
    this.head.append(row);
  }

  show(filters, sort, total) {
    this.filters = filters;
    this.sort = sort;
    this.total = total;
    this.drawHead();
    return this.load(false);
  }

  setTotal(total) {
    this.total = total;
    this.drawStatus();
  }

  async load(append) {
    const params = { ...this.filters, sort: this.sort, limit: PAGE };
    if (append && this.cursor) params.cursor = this.cursor;
    const page = await this.latest.run((signal) => getJSON("/api/events", params, signal));
    if (page === undefined) return;
    if (!append) {
      clear(this.body);
      this.shown = 0;
    }
    for (const event of page.items) this.body.append(this.row(event));
    this.shown += page.items.length;
    this.cursor = page.next_cursor;
    this.more.hidden = !this.cursor;
    this.table.dataset.rows = String(this.shown);
    this.drawStatus();
  }

  drawStatus() {
    const total = this.total === null ? "" : ` of ${formatCount(this.total)}`;
    this.status.textContent = this.shown ? `${formatCount(this.shown)}${total} events` : "No events match these filters";
  }

  row(event) {
    const tr = el("tr", { tabindex: "0", "data-event-id": event.event_id, class: event.event_id === this.selected ? "selected" : null });
    for (const column of COLUMNS) tr.append(el("td", { class: column.class || null }, column.cell(event)));
    tr.addEventListener("click", () => this.onSelect(event.event_id));
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.onSelect(event.event_id);
    });
    for (const swatch of tr.querySelectorAll(".swatch")) swatch.style.backgroundColor = typeColour(swatch.dataset.colour);
    return tr;
  }

  select(eventId) {
    this.selected = eventId;
    for (const tr of this.body.children) tr.classList.toggle("selected", tr.dataset.eventId === eventId);
  }
}
