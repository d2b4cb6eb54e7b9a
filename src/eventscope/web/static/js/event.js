// The event view: the merged event's fields, every source, and each article's text with the words
// each field was coded from highlighted and labelled.  Article text is untrusted: it is only ever
// added as text nodes, never parsed as HTML.

import { clear, el, formatCount, getJSON, safeUrl, typeColour } from "./util.js";

// Evidence fields, their labels and their highlight class (colours in app.css).
const FIELDS = {
  event_type: ["event", "ev-type"],
  sub_event_type: ["event", "ev-type"],
  actor1: ["actor 1", "ev-actor1"],
  assoc_actor_1: ["with actor 1", "ev-actor1"],
  actor2: ["actor 2", "ev-actor2"],
  assoc_actor_2: ["with actor 2", "ev-actor2"],
  location: ["place", "ev-place"],
  admin1: ["region", "ev-place"],
  admin2: ["district", "ev-place"],
  country: ["country", "ev-place"],
  event_date: ["date", "ev-date"],
  dateline: ["dateline", "ev-date"],
  reference_date: ["reference date", "ev-date"],
  fatalities: ["fatalities", "ev-deaths"],
};
const FIELD_ORDER = Object.keys(FIELDS);

function label(field) {
  return (FIELDS[field] || [field.replace(/_/g, " ")])[0];
}

function cssClass(field) {
  return (FIELDS[field] || [null, "ev-other"])[1];
}

// The text split at every evidence boundary: plain runs as text nodes, covered runs as <mark>s.  The
// run where a span begins names its field(s) in data-starts and shows a label (CSS ::before, so the
// article's own text, as copied or read by textContent, stays exactly the article's).
export function highlight(text, spans) {
  const fragment = document.createDocumentFragment();
  const valid = spans.filter(
    (s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end > s.start && s.end <= text.length,
  );
  const cuts = new Set([0, text.length]);
  for (const s of valid) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    const run = text.slice(a, b);
    const covering = valid.filter((s) => s.start <= a && s.end >= b);
    if (!covering.length) {
      fragment.append(document.createTextNode(run));
      continue;
    }
    const fields = [...new Set(covering.map((s) => s.field))];
    const starting = [...new Set(valid.filter((s) => s.start === a).map((s) => s.field))].sort(
      (x, y) => FIELD_ORDER.indexOf(x) - FIELD_ORDER.indexOf(y),
    );
    const innermost = covering.reduce((x, y) => (y.end - y.start < x.end - x.start ? y : x));
    const mark = el("mark", {
      class: `ev ${cssClass(innermost.field)}${fields.length > 1 ? " ev-multi" : ""}`,
      "data-fields": fields.join(" "),
      "data-starts": starting.length ? starting.join(" ") : null,
      "data-label": starting.length ? [...new Set(starting.map(label))].join(" · ") : null,
      title: fields.map(label).join(", "),
    });
    mark.textContent = run;
    fragment.append(mark);
  }
  return fragment;
}

function fieldRow(name, value, fields, onJump) {
  if (value === null || value === undefined || value === "") return null;
  const chips = fields.map((f) => {
    const chip = el("button", { type: "button", class: `ev-chip ${cssClass(f)}`, "data-field": f, title: "Show the words in the article", text: label(f) });
    chip.addEventListener("click", () => onJump(f));
    return chip;
  });
  return [el("dt", { text: name }), el("dd", {}, el("span", { class: "value", text: value }), chips.length ? " " : null, chips)];
}

export class EventView {
  constructor(panel, { onClose }) {
    this.panel = panel;
    this.onClose = onClose;
    this.eventId = null;
  }

  async open(eventId) {
    this.eventId = eventId;
    this.panel.hidden = false;
    clear(this.panel);
    this.panel.append(this.header("Loading…"));
    let detail;
    try {
      detail = await getJSON(`/api/events/${encodeURIComponent(eventId)}`);
    } catch (error) {
      if (this.eventId !== eventId) return;
      clear(this.panel);
      this.panel.append(this.header("Event not found"), el("p", { class: "error", text: error.message }));
      return;
    }
    if (this.eventId !== eventId) return;
    this.render(detail);
  }

  close() {
    this.eventId = null;
    this.panel.hidden = true;
    clear(this.panel);
  }

  header(title) {
    const close = el("button", { type: "button", class: "close", "aria-label": "Close the event", text: "×" });
    close.addEventListener("click", () => this.onClose());
    return el("div", { class: "event-head" }, el("h2", { text: title }), close);
  }

  render({ event, mentions, articles }) {
    clear(this.panel);
    this.panel.dataset.eventId = event.event_id;
    const title = `${event.sub_event_type || event.event_type} · ${event.location || "place unknown"} · ${event.event_date || "undated"}`;
    const head = this.header(title);
    const swatch = el("span", { class: "swatch" });
    swatch.style.backgroundColor = typeColour(event.event_type);
    head.querySelector("h2").prepend(swatch);

    const evidenceFields = new Set();
    for (const m of mentions) for (const e of m.evidence || []) evidenceFields.add(e.field);
    const has = (...names) => names.filter((n) => evidenceFields.has(n));
    const jump = (field) => this.jump(field);
    const place = [event.location, event.admin2, event.admin1, event.country].filter((p, i, all) => p && all.indexOf(p) === i).join(", ");
    const coords = event.latitude !== null && event.latitude !== undefined ? ` (${event.latitude}, ${event.longitude}; precision ${event.geo_precision})` : "";
    const rows = [
      fieldRow("Event", `${event.event_type} / ${event.sub_event_type}`, has("event_type", "sub_event_type"), jump),
      fieldRow("Date", event.event_date ? `${event.event_date} (precision ${event.time_precision})` : "undated", has("event_date", "dateline", "reference_date"), jump),
      fieldRow("Actor 1", [event.actor1, event.inter1 ? ` (${event.inter1})` : ""].join(""), has("actor1", "assoc_actor_1"), jump),
      fieldRow("Actor 2", event.actor2 ? [event.actor2, event.inter2 ? ` (${event.inter2})` : ""].join("") : null, has("actor2", "assoc_actor_2"), jump),
      fieldRow("Associated", [event.assoc_actor_1, event.assoc_actor_2].filter(Boolean).join("; ") || null, [], jump),
      fieldRow("Place", place + coords, has("location", "admin1", "admin2", "country"), jump),
      fieldRow("Fatalities", event.fatalities_high > event.fatalities_low ? `${event.fatalities} (reports say ${event.fatalities_low}–${event.fatalities_high})` : String(event.fatalities ?? 0), has("fatalities"), jump),
      fieldRow("Notes", event.notes, [], jump),
      fieldRow("Event id", event.event_id, [], jump),
    ].filter(Boolean);
    const fields = el("dl", { class: "fields" }, rows.flat());

    const sources = el("ul", { class: "sources" });
    for (const s of event.sources || []) {
      const href = safeUrl(s.url);
      const name = s.source || s.url || s.article_id;
      sources.append(
        el("li", {}, href ? el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank", text: name }) : el("span", { text: name }),
          el("span", { class: "sub", text: ` · ${s.article_id}` })),
      );
    }

    const byArticle = new Map();
    for (const m of mentions) {
      if (!byArticle.has(m.article_id)) byArticle.set(m.article_id, []);
      byArticle.get(m.article_id).push(...(m.evidence || []));
    }
    const texts = articles.map((a) => {
      const spans = byArticle.get(a.article_id) || [];
      const meta = [a.source, a.published, a.article_id].filter(Boolean).join(" · ");
      const body = el("div", { class: "article-text", "data-article-id": a.article_id });
      body.append(highlight(a.text, spans));
      const href = safeUrl(a.url);
      return el("article", { class: "source-article" },
        el("h3", {}, href ? el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank", text: a.title || a.article_id }) : (a.title || a.article_id)),
        el("p", { class: "sub", text: `${meta} · ${spans.length} evidence spans` }),
        body);
    });

    const why = el("details", { class: "why" }, el("summary", { text: "Why these reports are one event" }));
    why.addEventListener("toggle", () => {
      if (why.open && !why.dataset.loaded) this.explain(event.event_id, why);
    }, { once: false });

    const parts = [
      head,
      fields,
      el("h3", { text: `Sources (${formatCount((event.sources || []).length)})` }),
      sources,
      mentions.length > 1 ? why : null,
      el("h3", { text: `Article text, evidence highlighted (${articles.length})` }),
      el("div", { class: "legend-evidence" }, ["actor1", "actor2", "event_type", "location", "event_date", "fatalities"].map((f) => el("span", { class: `ev ${cssClass(f)}`, text: label(f) }))),
      ...texts,
    ];
    this.panel.append(...parts.filter(Boolean));
  }

  jump(field) {
    const mark = this.panel.querySelector(`mark[data-starts~="${CSS.escape(field)}"]`);
    if (!mark) return;
    mark.scrollIntoView({ block: "center", behavior: "smooth" });
    mark.classList.remove("flash");
    void mark.offsetWidth; // restart the animation
    mark.classList.add("flash");
  }

  async explain(eventId, details) {
    details.dataset.loaded = "1";
    const box = el("div", { class: "why-body", text: "Loading…" });
    details.append(box);
    try {
      const why = await getJSON(`/api/events/${encodeURIComponent(eventId)}/explain`);
      clear(box);
      for (const link of why.links) {
        const checks = el("ul", {}, link.checks.map((c) => el("li", { class: c.ok ? "ok" : "fail", text: `${c.criterion}: ${c.detail}` })));
        box.append(el("p", { class: "pair", text: `${link.a} + ${link.b}` }), checks);
      }
      if (!why.links.length) box.append(el("p", { text: "A single report." }));
    } catch (error) {
      box.textContent = error.message;
    }
  }
}
