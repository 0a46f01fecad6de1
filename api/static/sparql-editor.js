// The SPARQL editor: YASGUI (served by relapsekg itself) with one tab per named research question.
(function () {
  "use strict";
  var mount = document.getElementById("yasgui");
  if (!mount || typeof Yasgui === "undefined") { return; }
  var queries = JSON.parse(document.getElementById("named-queries").textContent);
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { resizeable: true, editorHeight: "320px" }
  });
  var first = yasgui.getTab();
  queries.forEach(function (q) {
    var tab = yasgui.addTab(false, { name: q.name, requestConfig: { endpoint: endpoint, method: "POST" } });
    tab.setQuery(q.sparql);
  });
  if (first && queries.length) {
    var tabs = yasgui.persistentConfig.getTabs();
    if (tabs.length > queries.length) { yasgui.getTab(tabs[0]).close(); }
  }
  var wanted = new URLSearchParams(window.location.search).get("tab");
  if (wanted) {
    yasgui.persistentConfig.getTabs().forEach(function (id) {
      var tab = yasgui.getTab(id);
      if (tab && tab.getName() === wanted) { yasgui.selectTabId(id); tab.query(); }
    });
  }
})();
