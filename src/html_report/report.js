// Filters: site, rule, cluster kind and free text, over every element with data-filter.
// State lives in the URL's fragment (#site=scmp&kind=syndicated), so a filtered view can be
// bookmarked or shared, and opened so from file://.
(function () {
  "use strict";
  var names = ["site", "rule", "kind", "q"];
  var inputs = {};
  names.forEach(function (n) { inputs[n] = document.getElementById("f-" + n); });
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  // Lower-cased text of each item, computed once: searching 200 documents per keystroke.
  var texts = items.map(function (el) { return el.textContent.toLowerCase(); });
  function passes(el, attr, value) {
    if (!value) return true;
    var have = el.getAttribute("data-" + attr);
    return have === null || have.split(" ").indexOf(value) >= 0;
  }
  function values() {
    var v = {};
    names.forEach(function (n) { v[n] = inputs[n].value.trim(); });
    return v;
  }
  function apply() {
    var v = values();
    var q = v.q.toLowerCase();
    var counts = {};
    items.forEach(function (el, i) {
      var ok = passes(el, "site", v.site) && passes(el, "rule", v.rule) &&
        passes(el, "kind", v.kind) && (!q || texts[i].indexOf(q) >= 0);
      el.hidden = !ok;
      var group = el.getAttribute("data-filter");
      var c = counts[group] || (counts[group] = [0, 0]);
      c[1] += 1;
      if (ok) c[0] += 1;
    });
    Array.prototype.forEach.call(document.querySelectorAll("output[data-count]"), function (o) {
      var c = counts[o.getAttribute("data-count")] || [0, 0];
      o.textContent = c[0] + " of " + c[1] + " shown";
    });
    var fragment = names.filter(function (n) { return v[n]; })
      .map(function (n) { return n + "=" + encodeURIComponent(v[n]); }).join("&");
    try {
      history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
    } catch (e) { /* some browsers refuse history on file://: the filter still applies */ }
  }
  function set(name, value) {
    var select = inputs[name];
    if (value && select.tagName === "SELECT" &&
        !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      var option = document.createElement("option");
      option.textContent = value;
      select.appendChild(option);
    }
    select.value = value;
  }
  if (location.hash.indexOf("=") > 0) {
    location.hash.slice(1).split("&").forEach(function (pair) {
      var kv = pair.split("=");
      if (names.indexOf(kv[0]) >= 0) set(kv[0], decodeURIComponent(kv[1] || ""));
    });
  }
  var timer = null;
  names.forEach(function (n) {
    inputs[n].addEventListener(n === "q" ? "input" : "change", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, n === "q" ? 150 : 0);
    });
  });
  document.getElementById("f-clear").addEventListener("click", function () {
    names.forEach(function (n) { inputs[n].value = ""; });
    apply();
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest("[data-set-site],[data-set-rule]");
    if (!a) return;
    e.preventDefault();
    if (a.hasAttribute("data-set-site")) set("site", a.getAttribute("data-set-site"));
    if (a.hasAttribute("data-set-rule")) set("rule", a.getAttribute("data-set-rule"));
    apply();
    document.getElementById("documents").scrollIntoView();
  });
  apply();
  document.body.setAttribute("data-ready", "yes");
})();
