// Find a child as you type. The report form's child step has a search box
// and a Find button that work without this script; with it, the children
// found are listed as the words are typed, as choices in the same list the
// Find button fills. The answer comes from /children/search.json, the same
// search the button runs; no name ever goes into the page's address.
(function () {
  "use strict";
  var input = document.querySelector("input[data-child-search]");
  if (!input || !window.fetch) {
    return;
  }
  var status = document.getElementById("find-status");
  var newChoice = document.getElementById("child-new");
  if (!newChoice) {
    return;
  }
  var list = newChoice.closest(".choice").parentNode;
  var before = newChoice.closest(".choice");
  var timer = 0;
  var asked = 0;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function choice(child) {
    var div = document.createElement("div");
    div.className = "choice";
    div.setAttribute("data-found", "");
    var radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "child";
    radio.id = "child-" + child.id;
    radio.value = child.value;
    var label = document.createElement("label");
    label.htmlFor = radio.id;
    label.textContent = child.label;
    div.appendChild(radio);
    div.appendChild(label);
    return div;
  }

  function show(children, problem) {
    var checked = list.querySelector("[data-found] input:checked");
    var keep = checked ? checked.value : "";
    list.querySelectorAll("[data-found]").forEach(function (el) {
      el.remove();
    });
    if (problem) {
      say(problem);
      return;
    }
    children.forEach(function (c) {
      var el = choice(c);
      if (c.value === keep) {
        el.querySelector("input").checked = true;
      }
      list.insertBefore(el, before);
    });
    if (children.length === 0) {
      say("No child of your organisation matches that. Check it, or record a new child.");
    } else {
      say(children.length + " found: choose below.");
    }
  }

  function search() {
    var q = input.value.trim();
    if (q.length < 2) {
      return;
    }
    var mine = ++asked;
    fetch("/children/search.json?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (body) {
      if (body && mine === asked) {
        show(body.children || [], body.problem);
      }
    }).catch(function () {
      // The Find button still works.
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
})();
