/* The school's request form, enhanced: live school search, where the UAI places the school,
   and holiday warnings while dates are typed. Without this file the form works the same way
   through its "Rechercher" and "Vérifier les dates" buttons. No framework, no external code. */
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form || !window.fetch) { return; }

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // --- School search: results appear as the person types; picking one fills the fields.
  var query = document.getElementById("school_query");
  var results = document.getElementById("school-results");
  var searchButton = document.getElementById("school-search-button");
  var uai = document.getElementById("uai");
  var newSchool = document.getElementById("new-school");
  var placement = document.getElementById("placement");

  function setValue(id, value) {
    var input = document.getElementById(id);
    if (input && value !== undefined && value !== null) { input.value = value; }
  }

  function pick(school) {
    setValue("uai", school.uai);
    setValue("school_name", school.name);
    setValue("commune", school.commune);
    setValue("postal_code", school.postal_code);
    setValue("school_kind", school.kind);
    setValue("priority", school.priority);
    results.textContent = "";
    check();
    uai.focus();
  }

  function search() {
    var q = query.value.trim();
    if (q.length < 2) { results.textContent = ""; return; }
    getJSON(form.dataset.searchUrl + "?q=" + encodeURIComponent(q)).then(function (schools) {
      results.textContent = "";
      if (!schools.length) {
        results.appendChild(el("p", "", "Aucun établissement connu ne correspond\u00a0: indiquez son numéro UAI et son nom ci-dessous."));
        return;
      }
      var list = el("ul");
      schools.forEach(function (school) {
        var item = el("li");
        var button = el("button", "link", school.name + " — " + school.commune + " (" + school.uai + ")");
        button.type = "button";
        button.addEventListener("click", function () { pick(school); });
        item.appendChild(button);
        list.appendChild(item);
      });
      results.appendChild(el("p", "", schools.length + (schools.length > 1 ? " établissements trouvés\u00a0: choisissez le vôtre." : " établissement trouvé\u00a0: choisissez-le.")));
      results.appendChild(list);
    }).catch(function () { /* the button still works */ });
  }

  if (query && results) {
    query.addEventListener("input", debounce(search, 300));
    query.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); search(); }
    });
    if (searchButton) {
      searchButton.addEventListener("click", function (e) { e.preventDefault(); search(); });
    }
  }

  // --- Where the UAI places the school, and what the dates touch (holidays, public holidays).
  var checkButton = document.getElementById("check-dates");
  if (checkButton) { checkButton.hidden = true; }

  function windowParams() {
    var params = new URLSearchParams();
    params.set("uai", uai ? uai.value : "");
    for (var i = 0; i < 3; i++) {
      ["start_date", "end_date"].forEach(function (name) {
        var input = document.getElementById("windows-" + i + "-" + name);
        if (input && input.value) { params.set("windows-" + i + "-" + name, input.value); }
      });
    }
    return params;
  }

  function showFeedback(data) {
    for (var i = 0; i < 3; i++) {
      var box = document.getElementById("windows-" + i + "-feedback");
      if (!box) { continue; }
      box.textContent = "";
      var start = document.getElementById("windows-" + i + "-start_date");
      var serverError = start && start.getAttribute("aria-invalid") === "true";
      if (data.errors[i] && !serverError) { box.appendChild(el("p", "error", data.errors[i])); }
      (data.warnings[i] || []).forEach(function (w) { box.appendChild(el("p", "warning", w)); });
    }
    var notes = document.getElementById("windows-notes");
    if (notes) {
      notes.textContent = "";
      data.notes.forEach(function (n) { notes.appendChild(el("p", "note", n)); });
    }
    if (placement) {
      placement.textContent = "";
      if (data.school) {
        placement.appendChild(el("strong", "", data.school.name));
        placement.appendChild(document.createTextNode(", " + data.school.commune + " — "));
      }
      if (data.placement) {
        placement.appendChild(document.createTextNode("académie de " + data.placement.academie +
          ", zone " + data.placement.zone + ", département " + data.placement.departement));
      }
    }
    if (newSchool) { newSchool.hidden = !!data.school; }
    var address = document.getElementById("address");
    if (address && !address.value && data.school && data.school.address) { address.value = data.school.address; }
  }

  var check = debounce(function () {
    getJSON(form.dataset.checkUrl + "?" + windowParams().toString()).then(showFeedback).catch(function () {});
  }, 350);

  if (uai) { uai.addEventListener("input", check); }
  for (var i = 0; i < 3; i++) {
    ["start_date", "end_date"].forEach(function (name) {
      var input = document.getElementById("windows-" + i + "-" + name);
      if (input) {
        input.addEventListener("change", check);
        // The end date cannot be before the start: help the date picker open at the right month.
        if (name === "start_date") {
          input.addEventListener("change", function (e) {
            var end = document.getElementById(e.target.id.replace("start_date", "end_date"));
            if (end && e.target.value) { end.min = e.target.value; }
          });
        }
      }
    });
  }

  // --- One click sends once (the server also refuses a second request with the same key).
  form.addEventListener("submit", function (e) {
    var submitter = e.submitter;
    if (submitter && submitter.id === "send-request") {
      if (form.dataset.sent === "1") { e.preventDefault(); return; }
      form.dataset.sent = "1";
      submitter.setAttribute("aria-disabled", "true");
      setTimeout(function () { form.dataset.sent = ""; submitter.removeAttribute("aria-disabled"); }, 8000);
    }
  });
})();
