// Search results without raw LaTeX.
//
// Sphinx's search shows a snippet of each page's text around the words found. Math is typeset
// in the reader's browser, so that text holds the TeX source: "\(\eta / (1 - \beta)\)". Before
// the snippet is cut, each math element's TeX is turned into plain text, "η / (1 - β)": Greek
// letters and the usual symbols as Unicode, fractions as a/b, formatting commands dropped.
(() => {
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
    rho: "ρ", varrho: "ϱ", sigma: "σ", varsigma: "ς", tau: "τ", phi: "φ", varphi: "φ",
    chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ",
    Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω", nabla: "∇", partial: "∂", sqrt: "√",
    cdot: "·", times: "×", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠",
    approx: "≈", sim: "~", infty: "∞", sum: "Σ", prod: "Π", to: "→", in: "∈", pm: "±",
    top: "ᵀ", ell: "ℓ", ldots: "…", dots: "…", cdots: "⋯", lfloor: "⌊", rfloor: "⌋",
    min: "min", max: "max", log: "log", exp: "exp", cos: "cos", sin: "sin",
  };

  const FORMATTING = "mathrm|mathbf|mathcal|mathbb|operatorname|text|textrm|hat|bar|tilde|vec";
  const ARGUMENT = new RegExp(`\\\\(${FORMATTING})\\{([^{}]*)\\}`, "g");
  const BARE = new RegExp(`\\\\(${FORMATTING}|left|right|big|Big|bigg|Bigg)\\b`, "g");
  const TOKEN = "[^()\\s+\\-·×=]+"; // one symbol or name: its parentheses can go

  function texToText(tex) {
    let text = tex.trim().replace(/^\\[([]|\\[)\]]$/g, "").replace(/^\$+|\$+$/g, "");
    text = text.replace(/\\t?frac12\b/g, "½");
    for (let i = 0; i < 3; i++) { // innermost first: \frac{a}{\sqrt{\hat b}}
      text = text
        .replace(ARGUMENT, "$2")
        .replace(/\\sqrt\{([^{}]*)\}/g, "√($1)")
        .replace(/\\[td]?frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)");
    }
    text = text
      .replace(BARE, "")
      .replace(/\\[,;:!]|\\q?quad\b|~/g, " ")
      .replace(/\\([A-Za-z]+)/g, (all, name) => SYMBOLS[name] ?? name)
      .replace(/\\([{}%_&$#|])/g, "$1")
      .replace(/[{}]/g, "")
      .replace(/\s+/g, " ")
      .replace(/\(\s+/g, "(")
      .replace(/\s+\)/g, ")")
      .replace(new RegExp(`\\((${TOKEN})\\)(?=/)`, "g"), "$1")
      .replace(new RegExp(`(/|√)\\((${TOKEN})\\)`, "g"), "$1$2");
    return text.trim();
  }

  function readableMath(root) {
    root.querySelectorAll(".math, mjx-container").forEach((el) => {
      el.textContent = " " + texToText(el.textContent) + " ";
    });
  }

  function patch() {
    if (typeof Search === "undefined" || Search.htmlToText.readableMath) return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const page = new DOMParser().parseFromString(htmlString, "text/html");
      readableMath(page);
      return htmlToText(page.documentElement.outerHTML, anchor).replace(/[ \t]{2,}/g, " ");
    };
    Search.htmlToText.readableMath = true;
  }

  window.optlibTexToText = texToText; // for the browser test
  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();
