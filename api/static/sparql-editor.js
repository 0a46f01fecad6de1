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
