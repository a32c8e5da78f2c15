/* vault-tool dashboard: search, filter and sort the customer table; the phone menu.
   Rows come from data/customers.js (window.VAULT_CUSTOMERS), so the page stays small
   at 10,000 customers. Everything is inserted as text, never as HTML. */
(function () {
  "use strict";

  function menu() {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) return;
    button.hidden = false;
    document.documentElement.classList.add("js");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("open", !open);
    });
  }

  function fold(text) {
    return String(text || "").normalize("NFKC").toLowerCase();
  }

  function table() {
    var root = document.getElementById("customer-table");
    var data = window.VAULT_CUSTOMERS;
    if (!root || !data) return;
    var cols = data.columns, rows = data.rows, index = {};
    cols.forEach(function (name, i) { index[name] = i; });
    var body = root.querySelector("tbody");
    var search = document.getElementById("q");
    var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
    var status = document.getElementById("table-status");
    var more = document.getElementById("show-more");
    var headers = Array.prototype.slice.call(root.querySelectorAll("th[data-sort]"));
    var pageSize = 100, shown = pageSize, sortKey = "name", sortDir = 1, current = rows;
    var labels = data.labels;

    function cell(row, col) { return row[index[col]]; }

    function matches(row, query, active) {
      if (query && fold(cell(row, "search")).indexOf(query) < 0) return false;
      for (var i = 0; i < active.length; i++) {
        var value = cell(row, active[i][0]);
        if (Array.isArray(value) ? value.indexOf(active[i][1]) < 0 : value !== active[i][1]) return false;
      }
      return true;
    }

    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    var sortColumn = { status: "status_rank" };

    function compare(a, b) {
      var key = sortColumn[sortKey] || sortKey;
      var x = cell(a, key), y = cell(b, key);
      if (Array.isArray(x)) { x = x.join(","); y = y.join(","); }
      if (x === y) return cell(a, "id") < cell(b, "id") ? -1 : 1;
      if (x === "" || x === null) return 1;
      if (y === "" || y === null) return -1;
      var order = typeof x === "number" ? x - y : collator.compare(x, y);
      return (order || (cell(a, "id") < cell(b, "id") ? -1 : 1)) * sortDir;
    }

    function text(parent, tag, value, className) {
      var el = document.createElement(tag);
      el.textContent = value === null || value === undefined ? "" : value;
      if (className) el.className = className;
      parent.appendChild(el);
      return el;
    }

    function td(tr, label) {
      var el = document.createElement("td");
      el.setAttribute("data-label", label);
      tr.appendChild(el);
      return el;
    }

    function draw() {
      body.textContent = "";
      var fragment = document.createDocumentFragment();
      current.slice(0, shown).forEach(function (row) {
        var tr = document.createElement("tr");
        var link = document.createElement("a");
        link.href = cell(row, "href");
        link.textContent = cell(row, "name");
        td(tr, labels.name).appendChild(link);
        var st = td(tr, labels.status);
        if (cell(row, "status")) text(st, "span", cell(row, "status_label"), "pill status-" + cell(row, "status_class"));
        text(td(tr, labels.owner), "span", cell(row, "owner"));
        var last = td(tr, labels.last_contact);
        text(last, "span", cell(row, "last_contact"));
        if (cell(row, "cold")) text(last, "span", labels.going_cold, "pill cold");
        text(td(tr, labels.next_follow_up), "span", cell(row, "due_text"), "due due-" + cell(row, "due_state"));
        var tags = td(tr, labels.tags);
        cell(row, "tags").forEach(function (tag) { text(tags, "span", tag, "tag"); });
        fragment.appendChild(tr);
      });
      body.appendChild(fragment);
      var total = current.length, visible = Math.min(shown, total);
      status.textContent = data.messages.showing.replace("{shown}", visible).replace("{total}", total);
      more.hidden = visible >= total;
    }

    function update() {
      var query = fold(search.value.trim());
      var active = filters.filter(function (f) { return f.value !== ""; })
        .map(function (f) { return [f.getAttribute("data-filter"), f.value]; });
      current = rows.filter(function (row) { return matches(row, query, active); });
      current.sort(compare);
      shown = pageSize;
      draw();
    }

    headers.forEach(function (th) {
      var button = th.querySelector("button");
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-sort");
        sortDir = key === sortKey ? -sortDir : 1;
        sortKey = key;
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        current.sort(compare);
        draw();
      });
    });
    search.form.addEventListener("submit", function (event) { event.preventDefault(); });
    search.addEventListener("input", update);
    filters.forEach(function (f) { f.addEventListener("change", update); });
    more.addEventListener("click", function () { shown += pageSize * 5; draw(); });
    root.classList.add("ready");
    update();
  }

  menu();
  table();
})();
