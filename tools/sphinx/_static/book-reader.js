// The reader's comfort (tools/sphinx/book_reader.py): accessible names and
// contrast that the theme and its extensions leave out.
(function () {
  "use strict";

  // Relative luminance of "rgb(r, g, b)" (WCAG 2).
  function luminance(css) {
    var v = (css.match(/\d+(\.\d+)?/g) || []).slice(0, 3).map(function (x) {
      x = Number(x) / 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return v.length < 3 ? null : 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }

  function fixSolutionTitles() {
    document.querySelectorAll(".solution .admonition-title a").forEach(
      function (a) {
        // "Solution to<a> Exercise 2.1</a>": the space goes before the link.
        var first = a.firstChild;
        if (first && first.nodeType === 3 && /^\s/.test(first.textContent)) {
          first.textContent = first.textContent.replace(/^\s+/, "");
          a.parentNode.insertBefore(document.createTextNode(" "), a);
        }
      });
  }

  function nameToggleButtons() {
    // sphinx-togglebutton names every button "Toggle hidden content": name
    // each after its box ("Solution to Exercise 2.1").
    document.querySelectorAll("button.toggle-button").forEach(function (b) {
      var box = b.closest(".admonition, details, .toggle");
      var title = box && box.querySelector(".admonition-title");
      var text = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
      if (!text) return;
      // aria-expanded (set by togglebutton.js) tells open or closed.
      b.setAttribute("aria-label", text);
    });
  }

  function nameHiddenOutputs() {
    // myst-nb's "Show code cell output" toggles are labelled "Toggle hidden
    // content": their visible text names them better.
    document.querySelectorAll("summary[aria-label='Toggle hidden content']")
      .forEach(function (s) { s.removeAttribute("aria-label"); });
  }

  function nameSearchButtons() {
    // The search buttons show "Search Ctrl+K" but are labelled "Search":
    // the accessible name must hold the visible text, so let the button's
    // own text name it.
    document.querySelectorAll("button.search-button-field, " +
      "button.search-button__button").forEach(function (b) {
      if (b.innerText.trim()) b.removeAttribute("aria-label");
    });
  }

  function contrastOutputColours() {
    // Coloured cells in outputs (rich's sharding diagrams) are written with
    // white text on any background: pick black or white, whichever reads.
    document.querySelectorAll(".cell_output span[style*='background-color']")
      .forEach(function (s) {
        var bg = luminance(getComputedStyle(s).backgroundColor);
        if (bg === null) return;
        var white = 1.05 / (bg + 0.05), black = (bg + 0.05) / 0.05;
        var colour = black > white ? "#000000" : "#ffffff";
        s.style.color = colour;
        s.style.textDecorationColor = colour;
      });
  }

  function fixEmptyHeaders() {
    // A table whose corner header cell is empty (a row-label column): a
    // data cell, not a header that names nothing.
    document.querySelectorAll("article thead th").forEach(function (th) {
      if (th.textContent.trim() || th.querySelector("img")) return;
      var td = document.createElement("td");
      td.className = th.className;
      th.replaceWith(td);
    });
  }

  function glueMathToPunctuation() {
    // "(... $x$)" in a caption: on a phone the line broke between the
    // bracket and the formula. Keep the formula with the characters that
    // touch it, in one unbreakable span.
    document.querySelectorAll("figcaption span.math").forEach(function (m) {
      var before = m.previousSibling, after = m.nextSibling;
      var lead = before && before.nodeType === 3 &&
        before.textContent.match(/\S+$/);
      var tail = after && after.nodeType === 3 &&
        after.textContent.match(/^\S+/);
      if (!lead && !tail) return;
      var glue = document.createElement("span");
      glue.style.whiteSpace = "nowrap";
      m.parentNode.insertBefore(glue, m);
      if (lead) {
        before.textContent = before.textContent.slice(0, lead.index);
        glue.appendChild(document.createTextNode(lead[0]));
      }
      glue.appendChild(m);
      if (tail) {
        after.textContent = after.textContent.slice(tail[0].length);
        glue.appendChild(document.createTextNode(tail[0]));
      }
    });
  }

  function landmarkSidebar() {
    // The sidebar (the book's title, search, chapters) as a landmark, so
    // that all of the page's content is inside one.
    var sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.getAttribute("role")) {
      sidebar.setAttribute("role", "complementary");
      sidebar.setAttribute("aria-label", "The book");
    }
  }

  function run() {
    landmarkSidebar();
    glueMathToPunctuation();
    fixEmptyHeaders();
    fixSolutionTitles();
    nameToggleButtons();
    nameHiddenOutputs();
    nameSearchButtons();
    contrastOutputColours();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  // togglebutton.js adds its buttons on load: name them then too.
  window.addEventListener("load", function () {
    nameToggleButtons();
    nameSearchButtons();
  });
})();
