// The SPARQL editor: YASGUI (served by relapsekg itself) with one tab per named research question.
// ?tab=NAME selects that question's tab and runs it.
(function () {
  "use strict";
  var mount = document.getElementById("yasgui");
  if (!mount || typeof Yasgui === "undefined") { return; }
  var queries = JSON.parse(document.getElementById("named-queries").textContent);
  var endpoint = window.location.origin + "/sparql";
  var requestConfig = { endpoint: endpoint, method: "POST" };
  var yasgui = new Yasgui(mount, {
    requestConfig: requestConfig,
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { resizeable: true, editorHeight: "340px" }
  });
  var initial = yasgui.persistentConfig.getTabs().slice();
  var byName = {};
  queries.forEach(function (q) {
    var tab = yasgui.addTab(false, Object.assign({}, Yasgui.Tab.getDefaults(), {
      name: q.name, requestConfig: requestConfig, yasqe: { value: q.sparql }
    }));
    byName[q.name] = tab;
  });
  var wanted = new URLSearchParams(window.location.search).get("tab");
  var target = byName[wanted] || byName["cns-efficacy"];
  if (target) { yasgui.selectTabId(target.getId()); }
  initial.forEach(function (id) { var t = yasgui.getTab(id); if (t) { t.close(); } });
  if (wanted && byName[wanted]) { byName[wanted].query(); }
})();

// Quotes in the result table as people read them (api/static/quote.js): the literal cells of a
// column named quote or exact, re-rendered whenever the table draws a page of results. The
// verbatim text stays in the cell's data-quote; downloads and the raw response are untouched.
(function () {
  "use strict";
  var mount = document.getElementById("yasgui");
  if (!mount || typeof MutationObserver === "undefined") { return; }
  var QUOTE_COLUMN = /^(.*quote.*|exact)$/i;

  function renderTable(table) {
    if (!window.relapsekgQuote) { return; }
    var heads = table.querySelectorAll("thead th");
    var columns = [];
    for (var i = 0; i < heads.length; i++) {
      if (QUOTE_COLUMN.test(heads[i].textContent.trim())) { columns.push(i + 1); }
    }
    columns.forEach(function (n) {
      var cells = table.querySelectorAll("tbody tr td:nth-child(" + n + ") span.nonIri:not([data-quote])");
      for (var j = 0; j < cells.length; j++) {
        var cell = cells[j];
        var text = cell.textContent;
        cell.dataset.quote = text;
        cell.replaceChildren(window.relapsekgQuote.element(text));
      }
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      var tables = mount.querySelectorAll(".yasr table");
      for (var i = 0; i < tables.length; i++) { renderTable(tables[i]); }
    });
  }).observe(mount, { childList: true, subtree: true });
})();
