// The staff page: ask, show the answer card above the ranked passages.
// Server text is only ever put in the page through textContent (never innerHTML).
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "href") node.setAttribute("href", safeHref(value));
    else node.setAttribute(key, value);
  }
  for (const child of children || []) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// Only links into this site: a server string can never become a javascript: URL.
function safeHref(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "#";
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    const error = new Error(message);
    error.status = response.status;
    error.code = body && body.error ? body.error.code : null;
    throw error;
  }
  return body;
}

const RELATIONS = {
  target: "krav/mål",
  other_document: "annet dokument",
  other_year: "annet år",
  other_source: "annen kilde",
  revised: "revidert",
};

function titleWithYear(title, year) {
  return year && !String(title).includes(String(year)) ? `${title} (${year})` : title;
}

// What the page label means, for the tooltip: exact, or an estimate with its measured bound.
function pageTitle(c) {
  if (c.page_certainty === "exact") return "Sidetallet er sikkert (fra kilden).";
  if (c.page_error !== null && c.page_error !== undefined && c.page_estimate) {
    return `Anslått side ${c.page_estimate}: 9 av 10 slike anslag treffer innen ±${c.page_error} sider (målt).`;
  }
  if (c.page_certainty === "range") return "Kilden gir bare et sideintervall.";
  return "Kilden gir ikke sidetall her.";
}

function citationText(c) {
  const parts = [titleWithYear(c.title, c.year), c.page_label || "side ukjent"];
  if (c.section_path && c.section_path.length) parts.push(c.section_path[c.section_path.length - 1]);
  return parts.join(", ");
}

function snippetNodes(hit) {
  const nodes = [];
  const text = hit.snippet_text || "";
  let pos = 0;
  for (const h of hit.highlights || []) {
    if (h.start < pos || h.end > text.length) continue;
    nodes.push(document.createTextNode(text.slice(pos, h.start)));
    nodes.push(el("mark", { text: text.slice(h.start, h.end) }));
    pos = h.end;
  }
  nodes.push(document.createTextNode(text.slice(pos)));
  return nodes;
}

function formatValue(answer) {
  if (answer.value_text) return answer.value_text;
  if (answer.value === null || answer.value === undefined) return "";
  return String(answer.value).replace(".", ",") + (answer.unit ? ` ${answer.unit}` : "");
}

const TYPES = {
  number: "Tall", numbers: "Flere tall", person: "Person", organisation: "Organisasjon", place: "Sted",
  list: "Liste", date: "Dato", reason: "Forklaring", term: "Navn eller begrep",
};

// Each answer type in its natural shape: a list as a list, several figures side by side with their
// columns, a name (or a figure with its target) as one line; every value links to its own source.
function showValues(answer) {
  const box = $("svar-verdier");
  box.replaceChildren();
  const values = answer.found ? answer.values || [] : [];
  const kind = answer.answer_type;
  if (kind === "list" && values.length) {
    box.append(el("ul", { class: "items" }, values.map((v) =>
      el("li", {}, [el("a", { href: v.citation.view_url, title: citationText(v.citation), text: v.text })]))));
  } else if (kind === "numbers" && values.length > 1) {
    box.append(el("div", { class: "figures" }, values.map((v) =>
      el("div", { class: "figure" }, [
        el("strong", { text: v.text }),
        el("span", { class: "label", text: [v.label, v.year].filter(Boolean).join(" · ") }),
        el("a", { href: v.citation.view_url, class: "cite", text: citationText(v.citation) }),
      ]))));
  } else if (kind === "number" && values.length > 1) {
    const rest = values.slice(1).map((v) => `${v.label || ""} ${v.text}`.trim()).join(", ");
    box.append(el("p", { class: "beside", text: `(${rest})` }));
  }
  box.hidden = box.children.length === 0;
  return box.children.length > 0 && kind === "list";
}

function showAnswer(answer) {
  const card = $("svar");
  card.hidden = false;
  card.classList.toggle("notfound", !answer.found);
  const kindLabel = TYPES[answer.answer_type] || "";
  // the year a figure is for, beside its type: the big number alone would not say it (a 2015 figure asked for 2022)
  const year = answer.answer_type === "number" && answer.found && answer.values?.length ? answer.values[0].year : null;
  $("svar-type").textContent = answer.item_type && TYPES[answer.item_type]
    ? `${kindLabel} · ${TYPES[answer.item_type].toLowerCase()}` : [kindLabel, year].filter(Boolean).join(" · ");
  $("svar-type").hidden = !answer.found || !kindLabel;
  const listed = showValues(answer);
  // a reason is its sentence(s); a list shows its items instead of one line
  const short = answer.answer_type === "reason" || listed ? "" : (answer.short_answer || formatValue(answer));
  const value = answer.found ? short : "Fant ikke et sikkert svar";
  $("svar-verdi").textContent = value;
  $("svar-verdi").hidden = !value;
  $("svar-tekst").textContent = answer.text || "";
  const source = $("svar-kilde");
  source.replaceChildren();
  if (answer.citation) {
    source.append("Kilde: ", el("a", { href: answer.citation.view_url, class: "cite", text: citationText(answer.citation),
      title: pageTitle(answer.citation) }));
  }
  const note = $("svar-merknad");
  note.hidden = !answer.disagreement;
  note.textContent = answer.disagreement || "";
  const alts = $("svar-alternativer");
  const list = alts.querySelector("ul");
  list.replaceChildren();
  for (const alt of answer.alternatives || []) {
    list.append(el("li", {}, [
      el("strong", { text: alt.value_text }),
      ` (${RELATIONS[alt.relation] || alt.relation}${alt.year ? ", " + alt.year : ""}) – `,
      el("a", { href: alt.citation.view_url, text: citationText(alt.citation), title: pageTitle(alt.citation) }),
    ]));
  }
  alts.hidden = list.children.length === 0;
}

function showHits(hits) {
  const list = $("treffliste");
  list.replaceChildren();
  for (const hit of hits) {
    const c = hit.citation;
    list.append(el("li", { class: "card hit" }, [
      el("p", { class: "where" }, [
        el("span", { class: "doc", text: titleWithYear(hit.title, hit.year) }),
        " · ",
        el("span", { class: "page", text: c.page_label || "side ukjent", title: pageTitle(c) }),
      ]),
      c.section_path && c.section_path.length
        ? el("p", { class: "section", text: c.section_path.join(" › ") }) : null,
      el("p", { class: "snippet" }, snippetNodes(hit)),
      el("a", { href: c.view_url, class: "cite", text: "Vis i kilden" }),
    ]));
  }
  $("treff").hidden = false;
  $("treff-tittel").textContent = hits.length ? `Relevante avsnitt (${hits.length})` : "Ingen treff";
}

// Entity labels as a reader says them.
const ENTITY_LABELS = { PER: "person", ORG: "organisasjon", GPE: "sted", LOC: "sted", LAW: "lov" };

function entityText(name, label) {
  return `${name} (${ENTITY_LABELS[label] || label})`;
}

// The active name filter (with a button that removes it) and the names among the hits, each a button that
// narrows the passages to that name; the counts say how many of the shown passages name it.
function showFacets(facets, filter) {
  const active = $("navnefilter");
  active.replaceChildren();
  if (filter.entity) {
    const remove = el("button", { type: "button", title: "Fjern navnefilteret", text: "✕" });
    remove.addEventListener("click", () => go({ ...filter, entity: "", entity_label: "" }));
    active.append("Bare avsnitt som nevner ", el("strong", { text: entityText(filter.entity, filter.entity_label) }),
      " ", remove);
  }
  active.hidden = !filter.entity;
  const list = $("navneliste");
  list.replaceChildren();
  for (const f of facets || []) {
    if (filter.entity && f.name.toLowerCase() === filter.entity.toLowerCase() && f.label === filter.entity_label) {
      continue;
    }
    const button = el("button", { type: "button", title: `Vis bare avsnitt som nevner ${f.name}` }, [
      f.name, " ", el("span", { class: "label", text: `${ENTITY_LABELS[f.label] || f.label} ` }),
      el("span", { class: "count", text: `(${f.count})` }),
    ]);
    button.addEventListener("click", () => go({ ...filter, entity: f.name, entity_label: f.label }));
    list.append(el("li", {}, [button]));
  }
  $("navn").hidden = list.children.length === 0;
}

function queryString(params) {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) qs.set(key, value);
  return qs.toString();
}

// Searches started so far: only the latest one's results are shown (going back in the history while a search is
// under way starts another, and the two may answer in either order).
let searches = 0;

// A search as the URL holds it: q, year, doc, and the name filter (entity, entity_label).
async function run(filter) {
  const mine = ++searches;
  const { q } = filter;
  const status = $("status");
  status.textContent = "Søker …";
  $("knapp").disabled = true;
  const [answer, search] = await Promise.allSettled([
    getJson("/answer?" + queryString({ q })),
    getJson("/search?" + queryString({ ...filter, k: 10 })),
  ]);
  if (mine !== searches) return;
  $("knapp").disabled = false;
  const problems = [];
  if (answer.status === "fulfilled") showAnswer(answer.value);
  else {
    $("svar").hidden = true;
    problems.push(answer.reason.status === 503 ? "Svar er ikke tilgjengelig nå." : `Svar: ${answer.reason.message}`);
  }
  if (search.status === "fulfilled") {
    showHits(search.value.hits);
    showFacets(search.value.entity_facets, filter);
  } else {
    $("treff").hidden = true;
    problems.push(`Søk: ${search.reason.message}`);
  }
  status.textContent = problems.join(" ");
}

function fillFilters(documents) {
  const years = [...new Set(documents.map((d) => d.year).filter((y) => y))].sort((a, b) => b - a);
  for (const y of years) $("year").append(el("option", { value: String(y), text: String(y) }));
  for (const d of documents) {
    $("doc").append(el("option", { value: d.id, text: titleWithYear(d.title, d.year) }));
  }
}

// The year and document selects as the address says (their options come with /documents).
function selectsFromUrl() {
  const params = new URLSearchParams(window.location.search);
  $("year").value = params.get("year") || "";
  $("doc").value = params.get("doc") || "";
}

function fromUrl() {
  const params = new URLSearchParams(window.location.search);
  $("q").value = params.get("q") || "";
  selectsFromUrl();
  const filter = {
    q: $("q").value.trim(), year: params.get("year") || "", doc: params.get("doc") || "",
    entity: params.get("entity") || "", entity_label: params.get("entity_label") || "",
  };
  if (filter.q) run(filter);
}

// Search and record it in the URL, so that it can be shared and reloaded.
function go(filter) {
  history.pushState(null, "", "?" + queryString(filter));
  run(filter);
}

$("sok").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = $("q").value.trim();
  if (!q) return;
  // a new question starts without a name filter: the names of the old hits need not fit it
  go({ q, year: $("year").value, doc: $("doc").value });
});
window.addEventListener("popstate", fromUrl);

// The address is read at once. The document list comes later and then sets only the selects it fills: reading the
// whole address again then wiped a question typed while the list loaded, and Enter on the emptied field did nothing.
fromUrl();
getJson("/documents")
  .then((body) => {
    fillFilters(body.documents);
    selectsFromUrl();
  })
  .catch(() => {});
