/* Just enough script: quote a selected passage of a draft into the comment form; focus error summaries; offer
   recorded names as someone types into a lookup field (the form works the same without it). */
(function () {
  "use strict";

  function offsetWithin(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function quoteSelection(text, form) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
    var start = offsetWithin(text, range.startContainer, range.startOffset);
    var end = offsetWithin(text, range.endContainer, range.endOffset);
    form.elements.quote.value = range.toString();
    form.elements.passage_start.value = String(start);
    form.elements.passage_end.value = String(end);
  }

  function setUpQuoting() {
    var text = document.getElementById("draft-text");
    var form = document.getElementById("comment-form");
    if (!text || !form || !form.elements.quote) { return; }
    text.addEventListener("mouseup", function () { quoteSelection(text, form); });
    text.addEventListener("keyup", function () { quoteSelection(text, form); });
    text.addEventListener("touchend", function () { quoteSelection(text, form); });
    form.elements.quote.addEventListener("input", function () {
      form.elements.passage_start.value = "";
      form.elements.passage_end.value = "";
    });
  }

  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  function setUpLookups() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-lookup]"), function (input) {
      var options = document.getElementById(input.getAttribute("list"));
      var timer = null;
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        var q = input.value.trim();
        if (q.length < 2 || !options) { return; }
        timer = window.setTimeout(function () {
          fetch(input.getAttribute("data-lookup") + "?limit=10&q=" + encodeURIComponent(q),
                {headers: {"Accept": "application/json"}, credentials: "same-origin"})
            .then(function (r) { return r.ok ? r.json() : {items: []}; })
            .then(function (page) {
              options.textContent = "";
              page.items.forEach(function (item) {
                var option = document.createElement("option");
                option.value = item.name;
                options.appendChild(option);
              });
            })
            .catch(function () { /* the field still takes any name */ });
        }, 200);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpQuoting();
    focusErrors();
    setUpLookups();
  });
}());
