/* relapsekg graph view: draws the payload of #gv-data with vis-network.
 *
 * Safety: every text from the graph reaches the page through textContent, text nodes or
 * vis-network's canvas; tooltips are DOM elements filled with textContent (never HTML strings);
 * links are only http(s) or same-site paths. No inline handlers, so the page runs under
 * script-src 'self' (served) or hashed inline scripts (the self-contained file).
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("gv-data").textContent);
  const $ = (id) => document.getElementById(id);
  const timings = {};
  const kinds = Object.fromEntries(data.kinds.map((k) => [k.key, k]));

  /** An element with attributes and children; strings become text nodes (never markup). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "style") Object.assign(node.style, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function safeHref(href) {
    return typeof href === "string" && /^(https?:\/\/|\/(?!\/))/i.test(href) ? href : null;
  }

  /** A verbatim quote as people read it (api/static/quote.js), or as plain text without it. */
  function quoteBlock(text) {
    if (window.relapsekgQuote) return window.relapsekgQuote.element(text, "blockquote", "gv-quote");
    return el("blockquote", { class: "gv-quote", text: text });
  }

  function tooltip(text) {
    return el("div", { class: "gv-tooltip", text: text || "" });
  }

  function graphHref(params) {
    const query = new URLSearchParams(params);
    return "/graph" + (query.toString() ? "?" + query : "");
  }

  // --- the network ------------------------------------------------------------------------
  const nodes = new vis.DataSet(data.nodes.map((n) => ({ ...n, title: tooltip(n.title) })));
  const edges = new vis.DataSet(data.edges.map((e) => ({ ...e, title: tooltip(e.title) })));
  const hiddenKinds = new Set();
  let only = null; // a client-side neighbourhood (the self-contained file has no server to ask)
  const nodeView = new vis.DataView(nodes, {
    filter: (n) => !hiddenKinds.has(n.kind) && (only === null || only.has(n.id)),
  });
  const network = new vis.Network($("gv-canvas"), { nodes: nodeView, edges: edges }, data.options);

  // Timings for benchmarks/graph_render.py: the first frame drawn, and the first frame drawn
  // once the layout is stable (physics stabilised, or physics off: positions were precomputed).
  let stable = !data.physics;
  network.on("afterDrawing", function drawn() {
    if (timings.firstRender === undefined) {
      timings.firstRender = performance.now();
      document.body.dataset.state = "rendered";
    }
    if (stable) {
      timings.settled = performance.now();
      network.off("afterDrawing", drawn);
      if (data.physics) network.setOptions({ physics: { enabled: false } });
      placeLabels();
      document.body.dataset.state = "settled";
    }
  });
  network.once("stabilizationIterationsDone", () => {
    stable = true;
    network.redraw();
  });
  window.relapsekgGraph = { network, nodes, edges, timings, data };

  // --- labels: legible at every zoom, never on top of each other -------------------------
  // vis-network scales every label with the zoom: fitted in the window, a few hundred nodes get
  // labels of 3 to 6 pixels, piled on each other. So labels are drawn at one size on screen
  // (LABEL_PX, whatever the zoom) and placed greedily, the most telling node first (the focus
  // and a question's nodes, then studies and interventions, then the rest, each by number of
  // relations: the drug most results are about goes before a study that cites it once): a label
  // that would overlap one already placed is left out until zooming in makes room for it.
  const LABEL_PX = 12;
  const HIDDEN_INSIDE_PX = 3; // below the drawThreshold of the options (6 px): not drawn
  const LABEL_FONT = "system-ui, sans-serif";
  const INSIDE = new Set(["box", "ellipse", "circle"]); // shapes that carry their label inside
  const KIND_WEIGHT = { study: 1000, intervention: 1000 };
  const labelOf = new Map(data.nodes.map((n) => [n.id, n.label || ""]));
  const shownLabel = new Map();
  const ruler = document.createElement("canvas").getContext("2d");

  function importance(node, degree) {
    const marked = node.id === data.focus || (node.borderWidth || 0) >= 4 ? 100000 : 0;
    return marked + (KIND_WEIGHT[node.kind] || 0) + (degree.get(node.id) || 0);
  }

  function placeLabels() {
    const scale = network.getScale();
    const canvas = $("gv-canvas");
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const degree = new Map();
    for (const e of edges.get()) {
      degree.set(e.from, (degree.get(e.from) || 0) + 1);
      degree.set(e.to, (degree.get(e.to) || 0) + 1);
    }
    const visible = nodeView.get();
    const positions = network.getPositions(visible.map((n) => n.id));
    ruler.font = `${LABEL_PX}px ${LABEL_FONT}`;
    const placed = [];
    const updates = [];
    visible.sort((a, b) => importance(b, degree) - importance(a, degree));
    for (const node of visible) {
      if (!labelOf.has(node.id)) labelOf.set(node.id, node.label || "");
      const text = labelOf.get(node.id);
      let show = false;
      if (text && positions[node.id]) {
        const p = network.canvasToDOM(positions[node.id]);
        const w = ruler.measureText(text).width + 8;
        const h = LABEL_PX * 1.3 + 4;
        // A circle grows around its label: its box is a square as wide as the label.
        const tall = node.shape === "circle" ? w : h;
        const top = INSIDE.has(node.shape) ? p.y - tall / 2 : p.y + (node.size || 14) * scale + 1;
        const box = { x1: p.x - w / 2, x2: p.x + w / 2, y1: top, y2: top + tall };
        const onScreen = box.x2 > 0 && box.x1 < width && box.y2 > 0 && box.y1 < height;
        show = onScreen && !placed.some((b) => b.x1 < box.x2 && box.x1 < b.x2 && b.y1 < box.y2 && box.y1 < b.y2);
        if (show) placed.push(box);
      }
      // A box, ellipse or circle is as large as its label: a hidden one keeps its text at a size
      // below vis-network's drawThreshold (not drawn), so the shape stays small but visible.
      const label = show || INSIDE.has(node.shape) ? text : "";
      const px = show ? LABEL_PX : HIDDEN_INSIDE_PX;
      const size = Math.round((px / scale) * 100) / 100;
      const before = shownLabel.get(node.id);
      if (!before || before.label !== label || before.size !== size) {
        updates.push({ id: node.id, label: label, font: { size: size } });
        shownLabel.set(node.id, { label, size });
      }
    }
    if (updates.length) nodes.update(updates);
    document.body.dataset.labels = String(placed.length);
  }

  let labelTimer = null;
  function scheduleLabels() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(placeLabels, 120);
  }
  network.on("zoom", scheduleLabels);
  network.on("dragEnd", scheduleLabels);
  network.on("animationFinished", scheduleLabels);

  // --- status, notices, legend and type filter -------------------------------------------
  function updateStatus() {
    scheduleLabels();
    const shown = nodeView.length;
    const text = `${shown} of ${nodes.length} nodes · ${edges.length} relations`;
    $("gv-status").textContent = data.physics || shown < 2000 ? text : text + " · layout precomputed";
  }

  for (const notice of data.notices) $("gv-notices").append(el("p", { class: "gv-notice", text: notice }));

  const legend = $("gv-legend");
  legend.append(el("h2", { text: "Types" }));
  for (const kind of data.kinds) {
    if (!kind.count && !data.nodes.some((n) => n.kind === kind.key)) continue;
    const box = el("input", { type: "checkbox", checked: "checked", value: kind.key, "aria-label": "show " + kind.plural });
    box.addEventListener("change", () => {
      if (box.checked) hiddenKinds.delete(kind.key);
      else hiddenKinds.add(kind.key);
      nodeView.refresh();
      updateStatus();
    });
    const swatch = el("span", { class: "gv-swatch gv-shape-" + kind.shape, style: { background: kind.color, borderColor: kind.border } });
    legend.append(el("label", { class: "gv-legend-item", "data-kind": kind.key }, box, swatch,
      el("span", { text: `${kind.label} (${kind.count})` })));
  }
  if (Object.keys(data.directions).length) {
    const dirs = el("div", { class: "gv-directions" });
    for (const [direction, color] of Object.entries(data.directions)) {
      dirs.append(el("span", { class: "gv-direction" }, el("span", { class: "gv-line", style: { background: color } }),
        "finding " + direction));
    }
    legend.append(dirs);
  }

  // --- side panel --------------------------------------------------------------------------
  const panel = $("gv-panel");

  async function detailsOf(id) {
    if (data.details[id]) return data.details[id];
    if (data.standalone) return null;
    const response = await fetch("/graph/details?" + new URLSearchParams({ iri: id }), { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return (data.details[id] = await response.json());
  }

  function link(href, text, cls) {
    const safe = safeHref(href);
    return safe ? el("a", { href: safe, class: cls }, text) : el("span", { class: cls }, text);
  }

  function directionBadge(direction) {
    if (!direction) return null;
    return el("span", { class: "gv-badge gv-dir-" + direction.replace(/[^a-z-]/g, ""), text: direction });
  }

  function evidenceSection(details) {
    if (!details.evidence.length) return null;
    const section = el("section", { class: "gv-evidence" }, el("h3", { text: "Evidence" }));
    let topic = null;
    let list = null;
    for (const item of details.evidence) {
      if (item.topicLabel !== topic) {
        topic = item.topicLabel;
        section.append(el("h4", { text: topic }));
        list = el("ul");
        section.append(list);
      }
      const head = el("p", { class: "gv-statement" }, directionBadge(item.direction),
        item.cns ? el("span", { class: "gv-badge gv-cns", text: "CNS" }) : null,
        focusButton(item.iri, item.statement));
      list.append(el("li", { class: "gv-evidence-item", "data-direction": item.direction || "" }, head,
        quoteBlock(item.quote)));
    }
    return section;
  }

  function focusButton(id, text) {
    if (!nodes.get(id)) return el("span", { text });
    return el("button", { type: "button", class: "gv-linkish", onclick: () => selectNode(id) }, text);
  }

  function factsSection(details) {
    if (!details.facts.length) return null;
    const table = el("table", { class: "gv-facts" });
    for (const fact of details.facts) {
      const value = fact.iri && nodes.get(fact.iri) ? focusButton(fact.iri, fact.value)
        : fact.href ? link(fact.href, fact.value) : el("span", { text: fact.value });
      table.append(el("tr", {}, el("th", { text: fact.property }), el("td", {}, value)));
    }
    return el("section", {}, el("h3", { text: "Facts" }), table);
  }

  function quotesSection(details) {
    if (!details.quotes.length) return null;
    const section = el("section", { class: "gv-quotes" }, el("h3", { text: details.quotes.length > 1 ? "Quotes" : "Quote" }));
    for (const q of details.quotes) {
      section.append(quoteBlock(q.text),
        q.source ? el("p", { class: "gv-cite", text: "— " + q.source }) : null);
    }
    return section;
  }

  function actions(id) {
    const bar = el("p", { class: "gv-actions" });
    if (data.standalone) {
      bar.append(el("button", { type: "button", onclick: () => showNeighbourhood(id, Number($("gv-depth").value) || 2) },
        "Show only its neighbourhood"));
      if (only !== null) bar.append(el("button", { type: "button", onclick: () => showNeighbourhood(null) }, "Show all"));
    } else {
      bar.append(el("a", { href: graphHref({ focus: id, depth: 2 }) }, "Focus on this node"));
      bar.append(el("button", { type: "button", onclick: () => expand(id) }, "Expand neighbours"));
    }
    if (data.answer) bar.append(el("button", { type: "button", onclick: showAnswer }, "Back to the answer"));
    return bar;
  }

  async function showDetails(id) {
    const node = nodes.get(id);
    const kind = kinds[node ? node.kind : ""];
    panel.replaceChildren(el("p", { class: "gv-hint", text: "Loading…" }));
    let details;
    try {
      details = await detailsOf(id);
    } catch (error) {
      panel.replaceChildren(el("p", { class: "gv-error", text: "Could not load this node: " + error.message }));
      return;
    }
    if (!details) details = { iri: id, href: id, label: node ? node.full : id, facts: [], quotes: [], evidence: [], sublabel: "" };
    panel.replaceChildren(
      el("p", { class: "gv-kind" }, kind ? el("span", { class: "gv-swatch gv-shape-" + kind.shape, style: { background: kind.color, borderColor: kind.border } }) : null,
        (kind ? kind.label : "node") + (details.sublabel ? " · " + details.sublabel : "")),
      el("h2", { class: "gv-node-title", text: details.label }),
      el("p", { class: "gv-iri" }, link(details.href, details.iri)),
      actions(id),
      ...[evidenceSection(details), quotesSection(details), factsSection(details)].filter(Boolean),
    );
    panel.dataset.node = id;
  }

  /** The answer rows as cards (the panel is too narrow for a wide table): the first column as a
   *  heading, short cells as "column: value" lines, long ones (quotes) as block quotes. */
  function showAnswer() {
    const answer = data.answer;
    if (!answer) return;
    const cell = (links, column, value) =>
      links[column] && nodes.get(links[column]) ? focusButton(links[column], value) : value;
    const list = el("ol", { class: "gv-answer" });
    answer.rows.forEach((row, i) => {
      const links = answer.links[i] || {};
      const [first, ...rest] = answer.columns.filter((c) => row[c] !== undefined && row[c] !== "");
      const card = el("li", { class: "gv-answer-row", "data-direction": row.direction || "" });
      if (first) card.append(el("p", { class: "gv-answer-head" }, cell(links, first, row[first]),
        row.direction && first !== "direction" ? directionBadge(row.direction) : null));
      const fields = el("dl", { class: "gv-answer-fields" });
      for (const column of rest) {
        if (column === "direction") continue;
        const value = row[column];
        if (column === "quote" || value.length > 90) card.append(quoteBlock(value));
        else fields.append(el("dt", { text: column }), el("dd", {}, cell(links, column, value)));
      }
      card.append(fields);
      list.append(card);
    });
    panel.replaceChildren(
      el("p", { class: "gv-kind", text: "Question · " + answer.name }),
      el("h2", { class: "gv-node-title", text: answer.title }),
      el("p", { class: "gv-description", text: answer.description }),
      el("p", { class: "gv-hint", text: `${answer.total} answer row(s); click a linked value to find it in the graph.` }),
      list,
    );
    delete panel.dataset.node;
  }

  function selectNode(id) {
    const node = nodes.get(id);
    if (!node) return;
    if (hiddenKinds.has(node.kind)) {
      hiddenKinds.delete(node.kind);
      const box = legend.querySelector(`input[value="${CSS.escape(node.kind)}"]`);
      if (box) box.checked = true;
    }
    if (only !== null && !only.has(id)) only.add(id);
    nodeView.refresh();
    updateStatus();
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    showDetails(id);
  }

  // --- neighbourhoods and expansion ------------------------------------------------------
  function neighbours(id) {
    const out = new Set();
    for (const e of edges.get({ filter: (e) => e.from === id || e.to === id })) out.add(e.from === id ? e.to : e.from);
    return out;
  }

  function showNeighbourhood(id, depth) {
    if (id === null) {
      only = null;
    } else {
      only = new Set([id]);
      let frontier = [id];
      for (let hop = 0; hop < depth; hop++) {
        const next = [];
        for (const n of frontier) for (const m of neighbours(n)) if (!only.has(m)) { only.add(m); next.push(m); }
        frontier = next;
      }
    }
    nodeView.refresh();
    updateStatus();
    network.fit({ animation: { duration: 300 } });
    if (id !== null) showDetails(id);
  }

  async function expand(id) {
    if (data.standalone) {
      if (only !== null) { for (const m of neighbours(id)) only.add(m); nodeView.refresh(); updateStatus(); }
      return;
    }
    $("gv-status").textContent = "Expanding…";
    const response = await fetch("/graph/neighbours?" + new URLSearchParams({ iri: id }), { headers: { Accept: "application/json" } });
    if (!response.ok) { $("gv-status").textContent = `Could not expand: ${response.status}`; return; }
    const more = await response.json();
    const centre = network.getPositions([id])[id] || { x: 0, y: 0 };
    const fresh = more.nodes.filter((n) => !nodes.get(n.id));
    fresh.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, fresh.length);
      n.x = centre.x + 160 * Math.cos(angle);
      n.y = centre.y + 160 * Math.sin(angle);
      n.title = tooltip(n.title);
    });
    nodes.add(fresh);
    edges.add(more.edges.filter((e) => !edges.get(e.id) && nodes.get(e.from) && nodes.get(e.to)).map((e) => ({ ...e, title: tooltip(e.title) })));
    updateStatus();
    network.focus(id, { animation: { duration: 300 } });
  }

  network.on("click", (params) => {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });
  network.on("doubleClick", (params) => {
    if (params.nodes.length) expand(params.nodes[0]);
  });

  // --- search ------------------------------------------------------------------------------
  const input = $("gv-search-input");
  const results = $("gv-search-results");
  let searchToken = 0;

  function resultItem(kindKey, label, onchoose, note) {
    const kind = kinds[kindKey];
    const button = el("button", { type: "button", role: "option", onclick: onchoose },
      kind ? el("span", { class: "gv-swatch gv-shape-" + kind.shape, style: { background: kind.color, borderColor: kind.border } }) : null,
      el("span", { class: "gv-result-label", text: label }),
      el("span", { class: "gv-result-kind", text: note || (kind ? kind.label : "") }));
    return el("li", {}, button);
  }

  // Matching as the server's graph/lookup.py does it: whole words, NFKC-normalised and case-folded,
  // so "OS" finds "median OS" but not "positive". The self-contained file has only this; on the
  // server, /graph/search (labels, abbreviations, synonyms, a result by its endpoint) comes first.
  function wordsOf(text) {
    return String(text).normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}\p{M}_]+/gu) || [];
  }

  function matchesWords(text, wanted) {
    const have = wordsOf(text);
    outer: for (let i = 0; i + wanted.length <= have.length; i++) {
      for (let j = 0; j < wanted.length; j++) if (have[i + j] !== wanted[j]) continue outer;
      return true;
    }
    return false;
  }

  function localMatches(text) {
    const words = wordsOf(text);
    if (!words.length) return [];
    const exact = words.join(" ");
    const rank = (n) => {
      const full = wordsOf(n.full).join(" ");
      return full === exact ? 0 : full.startsWith(exact) ? 1 : 2;
    };
    return nodes.get({ filter: (n) => matchesWords(n.full, words) || matchesWords(labelOf.get(n.id) || "", words) })
      .sort((a, b) => rank(a) - rank(b) || a.full.length - b.full.length || a.full.localeCompare(b.full))
      .slice(0, 30);
  }

  function drawnItem(node) {
    return resultItem(node.kind, node.full, () => choose(node.id));
  }

  async function runSearch() {
    const text = input.value.trim();
    const token = ++searchToken;
    if (!text) { results.hidden = true; results.replaceChildren(); return; }
    const local = localMatches(text);
    results.replaceChildren(...local.map(drawnItem));
    results.hidden = false;
    if (!data.standalone) {
      try {
        const response = await fetch("/graph/search?" + new URLSearchParams({ q: text, limit: 30 }));
        if (!response.ok || token !== searchToken) return;
        const items = [];
        const listed = new Set();
        for (const hit of await response.json()) {
          listed.add(hit.node);
          const node = nodes.get(hit.node);
          items.push(node ? drawnItem(node) : resultItem(hit.kind, hit.label,
            () => { window.location.href = graphHref({ focus: hit.node, depth: 1 }); }, "not drawn: focus"));
        }
        for (const node of local) if (!listed.has(node.id)) items.push(drawnItem(node));
        results.replaceChildren(...items);
      } catch (error) { /* the local matches stand */ }
    }
    if (!results.children.length) results.replaceChildren(el("li", { class: "gv-none", text: "No node matches." }));
  }

  function choose(id) {
    results.hidden = true;
    selectNode(id);
  }

  let debounce = null;
  input.addEventListener("input", () => { clearTimeout(debounce); debounce = setTimeout(runSearch, 120); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const first = results.querySelector("button");
      if (first) first.click();
      else runSearch();
    } else if (event.key === "Escape") {
      results.hidden = true;
    }
  });

  // --- toolbar -------------------------------------------------------------------------------
  const question = $("gv-question");
  for (const q of data.questions) question.append(el("option", { value: q.name, text: q.title }));
  if (data.answer) question.value = data.answer.name;
  if (data.standalone || !data.questions.length) question.closest("label").hidden = true;
  question.addEventListener("change", () => {
    window.location.href = question.value ? graphHref({ question: question.value }) : graphHref({});
  });

  const depth = $("gv-depth");
  depth.value = String(data.depth === undefined || data.depth === null ? 2 : data.depth);
  if (data.mode === "focus" || data.standalone) $("gv-depth-label").hidden = false;
  depth.addEventListener("change", () => {
    if (data.mode === "focus" && !data.standalone) window.location.href = graphHref({ focus: data.focus, depth: depth.value });
    else if (panel.dataset.node && only !== null) showNeighbourhood(panel.dataset.node, Number(depth.value));
  });
  $("gv-fit").addEventListener("click", () => network.fit({ animation: { duration: 300 } }));

  updateStatus();
  if (data.answer) showAnswer();
  else if (data.focus && nodes.get(data.focus)) {
    network.selectNodes([data.focus]);
    showDetails(data.focus);
  }
})();
