// Quotes readable for people, verbatim for machines: the one function that shows a quote in a
// browser (pages, the graph view's panel, the SPARQL editor's results). The PDF's line breaks
// inside a sentence are joined, *emphasis* is set in italics and inline math ($n=32$, \pm) is
// typeset by KaTeX; the verbatim text stays in the element's data-quote attribute (and in every
// export, annotation and API answer). The same steps run on the server in api/pages.py
// (markdown-it-py with mdit-py-plugins' dollarmath), whose math spans typeset() finishes here.
//
// Safety: markdown-it escapes all HTML of the text (html: false) and KaTeX writes only its own
// markup (trust: false), so a quote can never put markup of its own into a page.
(function (root) {
  "use strict";

  var hasLibraries = typeof root.markdownit === "function" && typeof root.katex === "object" &&
    root.markdownitDollarmath && typeof root.markdownitDollarmath.dollarmathPlugin === "function";
  // MathML alone where KaTeX's stylesheet and fonts are not at hand (the self-contained graph file).
  var KATEX = { throwOnError: false, output: document.documentElement.dataset.mathOutput || "htmlAndMathml" };

  function typesetTex(tex) {
    return root.katex.renderToString(tex, KATEX);
  }

  var md = hasLibraries
    ? root.markdownit("zero").enable("emphasis").use(root.markdownitDollarmath.dollarmathPlugin, {
      allow_space: false, allow_digits: false, double_inline: false, allow_labels: false, renderer: typesetTex
    })
    : null;

  /** The text as markdown reads it: one line (the PDF's line breaks joined), and a bare TeX
   *  command outside $…$ (the source writes "BM \pm EM") made inline math. */
  function prepare(text) {
    var joined = String(text).replace(/\s+/g, " ").trim();
    return joined.replace(/\$[^$]*\$|\\[A-Za-z]+/g, function (m) { return m.charAt(0) === "$" ? m : "$" + m + "$"; });
  }

  /** The quote as HTML (escaped text, <em>, KaTeX's markup). */
  function html(text) {
    if (!md) {
      var div = document.createElement("div");
      div.textContent = String(text).replace(/\s+/g, " ").trim();
      return div.innerHTML;
    }
    return md.renderInline(prepare(text));
  }

  /** An element showing the quote, its verbatim text in data-quote (and as its tooltip-free copy
   *  source: copying the element copies what is shown, the attribute keeps the source). */
  function element(text, tag, className) {
    var node = document.createElement(tag || "span");
    node.className = "rq-quote" + (className ? " " + className : "");
    node.dataset.quote = text;
    node.innerHTML = html(text);
    var spans = node.querySelectorAll(".math");
    for (var i = 0; i < spans.length; i++) spans[i].dataset.typeset = "1"; // typeset() must not redo them
    return node;
  }

  /** Typeset the math spans the server wrote into quotes (class "math inline", TeX as text). */
  function typeset(scope) {
    if (!hasLibraries) return;
    var spans = (scope || document).querySelectorAll(".rq-quote .math.inline:not([data-typeset])");
    for (var i = 0; i < spans.length; i++) {
      var span = spans[i];
      span.dataset.typeset = "1";
      span.innerHTML = typesetTex(span.textContent);
    }
  }

  root.relapsekgQuote = { prepare: prepare, html: html, element: element, typeset: typeset };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { typeset(); });
  else typeset();
})(window);
