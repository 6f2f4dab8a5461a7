(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.findings > li.finding"));
  var shown = document.getElementById("shown");
  function platforms(li) {
    var list = [];
    try { list = JSON.parse(li.getAttribute("data-platforms") || "[]"); } catch (e) { list = []; }
    return Array.isArray(list) ? list : [];
  }
  function apply() {
    var want = {};
    Array.prototype.forEach.call(form.querySelectorAll("select[data-filter]"), function (s) {
      want[s.getAttribute("data-filter")] = s.value;
    });
    var n = 0;
    items.forEach(function (li) {
      var ok = (!want.status || li.getAttribute("data-status") === want.status) &&
        (!want.severity || li.getAttribute("data-severity") === want.severity) &&
        (!want.rule || li.getAttribute("data-rule") === want.rule) &&
        (!want.platform || platforms(li).indexOf(want.platform) >= 0);
      li.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = "显示 " + n + " / " + items.length + " 项 (showing " + n + " of " + items.length + ")";
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
