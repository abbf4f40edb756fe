"use strict";
(function () {
  const raw = document.getElementById("govscan-data").textContent;
  const data = JSON.parse(raw);
  const rows = data.rows;
  const labels = data.labels;
  const PAGE = 100;
  let page = 0;
  let visible = rows;
  const $ = (id) => document.getElementById(id);
  const filters = ["status", "severity", "framework", "provider", "account", "region"];

  function options(select, values) {
    values.forEach((v) => {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = labels[v] || v;
      select.appendChild(o);
    });
  }
  filters.forEach((f) => options($("f-" + f), data.facets[f]));

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function render() {
    const body = $("findings-body");
    body.replaceChildren();
    const start = page * PAGE;
    visible.slice(start, start + PAGE).forEach((r) => {
      const tr = document.createElement("tr");
      const st = cell(tr, "");
      const badge = document.createElement("span");
      badge.className = "badge s-" + r.status;
      badge.textContent = labels[r.status] || r.status;
      st.appendChild(badge);
      cell(tr, r.severity);
      cell(tr, r.control);
      cell(tr, r.name + (r.name !== r.id ? " (" + r.id + ")" : ""), "wrap");
      cell(tr, [r.provider, r.account, r.region].filter(Boolean).join(" / "));
      cell(tr, r.message);
      body.appendChild(tr);
    });
    const pages = Math.max(1, Math.ceil(visible.length / PAGE));
    $("page-info").textContent =
      labels.page + " " + (page + 1) + " " + labels.of + " " + pages +
      " (" + visible.length + " " + labels.rows + ")";
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
  }

  function apply() {
    const want = {};
    filters.forEach((f) => { want[f] = $("f-" + f).value; });
    const q = $("f-text").value.trim().toLowerCase();
    visible = rows.filter((r) => {
      for (const f of filters) {
        if (!want[f]) continue;
        if (f === "framework") { if (!r.frameworks.includes(want[f])) return false; }
        else if (r[f] !== want[f]) return false;
      }
      return !q || r.search.includes(q);
    });
    page = 0;
    render();
  }

  filters.forEach((f) => $("f-" + f).addEventListener("change", apply));
  $("f-text").addEventListener("input", apply);
  $("prev").addEventListener("click", () => { if (page > 0) { page--; render(); } });
  $("next").addEventListener("click", () => { page++; render(); });
  rows.forEach((r) => {
    r.search = [r.control, r.id, r.name, r.message, r.region, r.account].join(" ").toLowerCase();
  });
  apply();
})();
