// Small helpers shared by the dashboard's parts.  Text from the API is only ever set as text
// (text nodes, textContent, attributes): nothing here parses HTML.

export const SVG_NS = "http://www.w3.org/2000/svg";

// ACLED's event types in the codebook's order, each with its colour on the map and the timeline.
export const EVENT_TYPES = [
  ["Battles", "#c0392b"],
  ["Explosions/Remote violence", "#e67e22"],
  ["Violence against civilians", "#8e44ad"],
  ["Protests", "#2e86c1"],
  ["Riots", "#b7950b"],
  ["Strategic developments", "#27ae60"],
];
const TYPE_COLOURS = new Map(EVENT_TYPES);
export const OTHER_COLOUR = "#7f8c8d";

export function typeColour(type) {
  return TYPE_COLOURS.get(type) || OTHER_COLOUR;
}

// Build an element: attributes are set as attributes, children as nodes or text nodes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) q.set(key, value);
  }
  const text = q.toString();
  return text ? "?" + text : "";
}

// GET a JSON resource; an error response's one-line message becomes the Error's message.
export async function getJSON(path, params = {}, signal = undefined) {
  const response = await fetch(path + query(params), { signal, headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `${response.status} ${response.statusText}`;
    throw new Error(message);
  }
  return body;
}

// Only links a reader can follow safely: http(s) addresses, never javascript: or data:.
export function safeUrl(url) {
  if (typeof url !== "string") return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

export function formatCount(n) {
  return Number(n || 0).toLocaleString("en");
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// Run the latest of overlapping requests: an older one still in flight is aborted.
export class Latest {
  constructor() {
    this.controller = null;
  }

  async run(request) {
    if (this.controller) this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      return await request(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }
}
