// The API reference, drawn from the app's own /openapi.json: no script or style from anywhere else.

import { clear, el, getJSON } from "./util.js";

function typeOf(schema, spec) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, spec)).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `list of ${typeOf(schema.items, spec)}`;
  if (schema.type === "object" && schema.additionalProperties) return `map of ${typeOf(schema.additionalProperties, spec)}`;
  const limits = [];
  if (schema.minimum !== undefined) limits.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) limits.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) limits.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) limits.push(`at most ${schema.maxLength} characters`);
  const base = schema.format ? `${schema.type} (${schema.format})` : schema.type || "any";
  return limits.length ? `${base}, ${limits.join(", ")}` : base;
}

function parameters(op, spec) {
  if (!op.parameters || !op.parameters.length) return null;
  const rows = op.parameters.map((p) =>
    el("tr", {},
      el("td", {}, el("code", { text: p.name })),
      el("td", { text: p.in }),
      el("td", { text: typeOf(p.schema, spec) + (p.schema && p.schema.default !== undefined ? ` (default ${JSON.stringify(p.schema.default)})` : "") }),
      el("td", { text: (p.required ? "required. " : "") + (p.description || "") })));
  return el("table", {}, el("thead", {}, el("tr", {}, ["name", "in", "type", "description"].map((h) => el("th", { text: h })))), el("tbody", {}, rows));
}

function responses(op, spec) {
  const rows = Object.entries(op.responses || {}).map(([status, r]) => {
    const content = r.content || {};
    const types = Object.entries(content).map(([media, c]) => `${media}${c.schema ? ": " + typeOf(c.schema, spec) : ""}`);
    return el("tr", {}, el("td", { text: status }), el("td", { text: r.description || "" }), el("td", { text: types.join("; ") }));
  });
  return el("table", {}, el("thead", {}, el("tr", {}, ["status", "meaning", "body"].map((h) => el("th", { text: h })))), el("tbody", {}, rows));
}

function endpoint(path, method, op, spec) {
  const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-");
  const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  return el("div", { class: "endpoint", id },
    el("h3", {}, el("span", { class: `method ${method}`, text: method.toUpperCase() }), " ", el("span", { class: "path", text: path })),
    el("p", { class: "desc", text: [op.summary, op.description].filter(Boolean).join("\n") }),
    parameters(op, spec),
    body ? el("p", {}, "Body (JSON): ", el("code", { text: typeOf(body.schema, spec) })) : null,
    responses(op, spec));
}

function schemaBlock(name, schema, spec) {
  const rows = Object.entries(schema.properties || {}).map(([field, s]) =>
    el("tr", {}, el("td", {}, el("code", { text: field })), el("td", { text: typeOf(s, spec) }), el("td", { text: s.description || "" })));
  return el("div", { class: "endpoint", id: `schema-${name}` },
    el("h3", { text: name }),
    schema.description ? el("p", { class: "desc", text: schema.description }) : null,
    rows.length ? el("table", {}, el("tbody", {}, rows)) : null);
}

async function start() {
  try {
    const spec = await getJSON("/openapi.json");
    document.getElementById("version").textContent = `version ${spec.info.version}`;
    const intro = document.getElementById("intro");
    intro.append(el("p", { class: "desc", text: spec.info.description || "" }));
    const toc = el("ul");
    const paths = document.getElementById("paths");
    clear(paths);
    paths.append(el("h2", { text: "Endpoints" }));
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const block = endpoint(path, method, op, spec);
        paths.append(block);
        toc.append(el("li", {}, el("a", { href: `#${block.id}`, text: `${method.toUpperCase()} ${path}` })));
      }
    }
    document.getElementById("toc").append(toc);
    const schemas = document.getElementById("schemas");
    schemas.append(el("h2", { text: "Schemas" }));
    for (const [name, schema] of Object.entries((spec.components || {}).schemas || {})) schemas.append(schemaBlock(name, schema, spec));
  } catch (error) {
    const box = document.getElementById("error");
    box.hidden = false;
    box.textContent = error.message;
  }
}

start();
