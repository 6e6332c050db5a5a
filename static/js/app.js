// Progressive enhancement for the recruiter pages. Every page works without this file.
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function hideNoJsControls(scope) {
    (scope || document).querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
  }

  // Menus (<details>): close on Escape or a click elsewhere, like any menu.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.avatar-menu[open], details.dropdown[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.avatar-menu[open], details.dropdown[open]").forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) summary.focus();
    });
  });

  // The candidate list's selection ---------------------------------------------------------

  function rowBoxes(form) { return Array.prototype.slice.call(form.querySelectorAll("input.js-row-check")); }

  function formatNumber(n) {
    try { return n.toLocaleString(root.lang || undefined); } catch (e) { return String(n); }
  }

  // The counter is the server's count of selected candidates not on this page, plus the ticks here.
  function refreshSelection(form) {
    var bar = form.querySelector("#selection-bar");
    if (!bar) return;
    var boxes = rowBoxes(form);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var total = Number(bar.dataset.others || 0) + ticked;
    var inList = Number(bar.dataset.othersInList || 0) + ticked;
    bar.querySelectorAll(".js-selected-count").forEach(function (el) { el.textContent = formatNumber(total); });
    bar.querySelectorAll(".js-in-list-count").forEach(function (el) { el.textContent = formatNumber(inList); });
    bar.querySelectorAll(".js-needs-selection").forEach(function (el) { el.hidden = total === 0; });
    bar.querySelectorAll(".js-when-empty").forEach(function (el) { el.hidden = total > 0; });
    bar.classList.toggle("has-selection", total > 0);
    var pageBox = form.querySelector(".js-page-check");
    if (pageBox) {
      pageBox.checked = boxes.length > 0 && ticked === boxes.length;
      pageBox.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    boxes.forEach(function (box) {
      var row = box.closest("tr");
      if (row) row.classList.toggle("is-selected", box.checked);
    });
  }

  // One request at a time, always with the page's latest ticks, so the session ends as the page shows.
  var syncing = false;
  var pending = false;
  function syncSelection(form) {
    if (syncing) { pending = true; return; }
    syncing = true;
    var data = new FormData();
    new FormData(form).forEach(function (value, key) {
      if (["csrfmiddlewaretoken", "query", "page_ids", "ids"].indexOf(key) !== -1) data.append(key, value);
    });
    fetch(form.dataset.syncUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("selection " + response.status);
        return response.text();
      })
      .then(function (html) {
        var bar = form.querySelector("#selection-bar");
        if (!bar || pending) return;
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.querySelector("#selection-bar");
        if (!fresh) return;
        if (bar.contains(document.activeElement)) {
          // Keep the focus where it is: take the numbers only.
          bar.dataset.others = fresh.dataset.others;
          bar.dataset.othersInList = fresh.dataset.othersInList;
        } else {
          bar.replaceWith(fresh);
          hideNoJsControls(fresh);
          if (window.htmx) window.htmx.process(fresh);
        }
        refreshSelection(form);
      })
      .catch(function () {
        var bar = form.querySelector("#selection-bar");
        if (bar) bar.classList.add("has-error");
      })
      .finally(function () {
        syncing = false;
        if (pending) { pending = false; syncSelection(form); }
      });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.form;
    if (target.matches(".js-page-check") && form) {
      rowBoxes(form).forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches(".js-row-check, .js-page-check") && form) {
      refreshSelection(form);
      syncSelection(form);
      return;
    }
    // Sort and page size sit in the results but belong to the filter form: submitting it lets htmx update.
    if (form && form.id === "filter-form" && !form.contains(target)) {
      form.requestSubmit();
      return;
    }
    if (target.matches("[data-autosubmit]") && form) form.requestSubmit();
  });

  function enhance(scope) {
    hideNoJsControls(scope);
    var form = document.getElementById("selection-form");
    if (form) refreshSelection(form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    // On a phone the filters start folded, so the list is on the first screen.
    var panel = document.querySelector(".filters-panel");
    if (panel && window.matchMedia("(max-width: 760px)").matches) panel.open = false;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    enhance(event.target);
    var status = document.getElementById("results-status");
    var title = document.getElementById("results-title");
    if (status && title && event.target.id === "results") status.textContent = title.textContent.trim();
  });

  // Bookmarkable addresses: the filter form leaves out the fields nobody filled in.
  document.addEventListener("htmx:configRequest", function (event) {
    var data = event.detail.formData;
    if (!data || event.detail.verb !== "get" || !event.detail.elt.closest("#filter-form, #results")) return;
    Array.from(new Set(Array.from(data.keys()))).forEach(function (key) {
      if (data.getAll(key).every(function (value) { return value === ""; })) data.delete(key);
    });
  });

  // Forms that send the current address along (the language switch) follow htmx's URL changes.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    document.querySelectorAll("input.js-current-url").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
  });

  // A busy state for the list while htmx fetches it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var results = document.getElementById("results");
    if (results && event.detail.target === results) results.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterSettle", function () {
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "false");
  });
})();
