/* The playground's two explorers (docs/playground.md).
 *
 * Every number shown comes from the JSON block #playground-data, which
 * figures/outputs/playground.py writes from rnncore.playground when the site is
 * built. This script only looks values up, formats them and draws SVG: it does
 * no model arithmetic. No framework, no network requests, works from file:// too.
 *
 * Each value element also carries the engine's plain text in data-value, so the
 * browser tests can compare it with rnncore.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var SUPERSCRIPT = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻" };

  /* "1.126e15" → "1.126 × 10¹⁵", "-0.5" → "−0.5" (the engine already rounded). */
  function pretty(text) {
    var parts = text.split("e");
    var mantissa = parts[0].replace("-", "\u2212");
    if (parts.length === 1) return mantissa;
    var exponent = parts[1].split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
    return mantissa + " \u00d7 10" + exponent;
  }

  function show(element, text, suffix) {
    element.textContent = pretty(text) + (suffix || "");
    element.setAttribute("data-value", text);
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function clear(svg) {
    Array.prototype.slice.call(svg.childNodes).forEach(function (child) {
      if (child.nodeName.toLowerCase() !== "title") svg.removeChild(child);
    });
  }

  /* A chart frame: x from 1 to xMax (linear), y as log10 from lo to hi (whole decades).
     The drawing is 640 units wide on a wide screen and 360 on a phone, so its text (CSS
     px in the drawing's units) stays at least 11 px on the screen. */
  var BOX = { left: 64, right: 620, top: 16, bottom: 252 };
  var WIDE = 640, NARROW = 360, HEIGHT = 350;

  function fit(svg) {
    var width = svg.getBoundingClientRect().width < 560 ? NARROW : WIDE;
    BOX.right = width - 20;
    svg.setAttribute("viewBox", "0 0 " + width + " " + HEIGHT);
    return width;
  }

  function frame(svg, xMax, lo, hi, xLabel, yLabel) {
    clear(svg);
    var width = fit(svg);
    var x = function (t) { return BOX.left + (xMax === 1 ? 0 : (t - 1) / (xMax - 1)) * (BOX.right - BOX.left); };
    var y = function (log) { return BOX.bottom - (log - lo) / (hi - lo) * (BOX.bottom - BOX.top); };
    var decades = hi - lo;
    var every = Math.max(1, Math.ceil(decades / (width === NARROW ? 6 : 8)));
    for (var d = lo; d <= hi; d += every) {
      el("line", { "class": "grid", x1: BOX.left, x2: BOX.right, y1: y(d), y2: y(d) }, svg);
      var label = el("text", { x: BOX.left - 8, y: y(d) + 4, "text-anchor": "end" }, svg);
      label.textContent = d === 0 ? "1" : "10" + String(d).split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
    }
    var ticks = xMax <= (width === NARROW ? 6 : 10) ? 1 : xMax <= 25 ? 5 : 10;
    for (var t = 1; t <= xMax; t++) {
      if (t !== 1 && t % ticks !== 0 && t !== xMax) continue;
      if (t !== xMax && t !== 1 && xMax - t < ticks / 2) continue;  // no two labels on top of each other
      var tick = el("text", { x: x(t), y: BOX.bottom + 18, "text-anchor": "middle" }, svg);
      tick.textContent = String(t);
    }
    el("path", { "class": "axis", d: "M" + BOX.left + "," + BOX.top + "V" + BOX.bottom + "H" + BOX.right }, svg);
    var caption = el("text", { x: (BOX.left + BOX.right) / 2, y: BOX.bottom + 40, "text-anchor": "middle" }, svg);
    caption.textContent = xLabel;
    var side = el("text", { x: 0, y: 0, "text-anchor": "middle", "class": "axis-label",
                            transform: "translate(14 " + (BOX.top + BOX.bottom) / 2 + ") rotate(-90)" }, svg);
    side.textContent = yLabel;
    return { x: x, y: y };
  }

  /* The legend sits under the x-axis label, one row per series, clear of the data;
     rows are 1.6 lines apart at the chart's font size, so they never overlap. */
  function legend(svg, items) {
    var left = 14;
    var size = parseFloat(getComputedStyle(svg.querySelector("text") || svg).fontSize) || 13;
    items.forEach(function (item, i) {
      var row = BOX.bottom + 40 + 1.6 * size * (i + 1);
      if (item.dot) el("circle", { "class": item.cls + " legend", cx: left + 12, cy: row - size / 3, r: 4 }, svg);
      else el("line", { "class": item.cls + " legend", x1: left, x2: left + 24, y1: row - size / 3, y2: row - size / 3 }, svg);
      var text = el("text", { x: left + 32, y: row }, svg);
      text.textContent = item.label;
    });
  }

  /* A product of factors explodes above 1 and vanishes below: its colour (guide.css). */
  function regime(factor) {
    return factor > 1 ? "exploding" : factor < 1 ? "vanishing" : "edge";
  }

  /* A note in the plot area, for when a series cannot be drawn. */
  function note(svg, text) {
    var node = el("text", { x: (BOX.left + BOX.right) / 2, y: (BOX.top + BOX.bottom) / 2, "text-anchor": "middle", "class": "note" }, svg);
    node.textContent = text;
  }

  function log10(text) { return Math.log10(Math.abs(Number(text))); }

  function range(logs) {
    var finite = logs.filter(function (v) { return isFinite(v); });
    if (!finite.length) return [-1, 1];
    var lo = Math.floor(Math.min.apply(null, finite));
    var hi = Math.ceil(Math.max.apply(null, finite));
    if (hi - lo < 2) { lo -= 1; hi += 1; }
    return [lo, hi];
  }

  function slider(input, grid, initial, describe) {
    input.min = "0";
    input.max = String(grid.length - 1);
    var start = grid.indexOf(initial);
    input.value = String(start >= 0 ? start : 0);
    return function () {
      var value = grid[Number(input.value)];
      input.setAttribute("aria-valuetext", describe(value));
      return value;
    };
  }

  function unrollExplorer(root, data) {
    var w2Input = root.querySelector("#unroll-w2");
    var tInput = root.querySelector("#unroll-t");
    var select = root.querySelector("#unroll-pattern");
    var svg = root.querySelector("#unroll-chart");
    Object.keys(data.patterns).forEach(function (key) {
      var option = document.createElement("option");
      option.value = key;
      option.textContent = data.patterns[key];
      select.appendChild(option);
    });
    select.value = data.patterns["high-then-medium"] ? "high-then-medium" : Object.keys(data.patterns)[0];
    var readW2 = slider(w2Input, data.w2, data.weights.w2, function (v) { return "w2 = " + pretty(v); });
    tInput.min = "1";
    tInput.max = String(data.maxUnrolls);
    tInput.value = String(Math.min(10, data.maxUnrolls));

    function update() {
      var w2 = readW2();
      var i = Number(w2Input.value);
      var T = Number(tInput.value);
      tInput.setAttribute("aria-valuetext", "T = " + T);
      show(root.querySelector("#unroll-w2-value"), w2);
      root.querySelector("#unroll-t-value").textContent = String(T);
      var powers = data.powers[i].slice(0, T);
      var predictions = data.predictions[select.value][i].slice(0, T);
      show(root.querySelector("#unroll-power"), powers[T - 1], Number(w2) < 0 ? " (the sign alternates from step to step)"
        : Number(w2) === 0 && T > 1 ? " (zero from t = 2 on: a log axis has no zero, so the chart shows no line)" : "");
      var last = predictions[T - 1];
      show(root.querySelector("#unroll-prediction"), last, Number(last) <= 0 ? " (not drawn: a log axis has no zero or negative values)" : "");

      var logs = powers.map(log10).concat(predictions.filter(function (p) { return Number(p) > 0; }).map(log10));
      var r = range(logs);
      var f = frame(svg, T, r[0], r[1], "t, the number of days", "value (log scale)");
      var line = powers.map(function (p, k) { return isFinite(log10(p)) ? f.x(k + 1) + "," + f.y(log10(p)) : null; })
        .filter(Boolean);
      svg.dataset.regime = regime(Math.abs(Number(w2)));
      if (line.length > 1 || Number(w2) !== 0) el("polyline", { "class": "series-a", points: line.join(" ") }, svg);
      else note(svg, "w\u2082 = 0: |w\u2082|\u1d57\u207b\u00b9 = 0 from t = 2, not drawn on a log axis");
      predictions.forEach(function (p, k) {
        if (Number(p) > 0) el("circle", { "class": "series-b-dot", cx: f.x(k + 1), cy: f.y(log10(p)), r: 3.5 }, svg);
      });
      legend(svg, [
        { cls: "series-a", label: "|w\u2082|\u1d57\u207b\u00b9" },
        { cls: "series-b-dot", dot: true, label: "prediction after t days" },
      ]);
    }
    [w2Input, tInput, select].forEach(function (input) { input.addEventListener("input", update); });
    addEventListener("resize", update);
    update();
  }

  function boundExplorer(root, data) {
    var gInput = root.querySelector("#bound-gamma");
    var lInput = root.querySelector("#bound-lambda");
    var svg = root.querySelector("#bound-chart");
    var readGamma = slider(gInput, data.gamma, "0.25", function (v) { return "gamma = " + pretty(v); });
    var readLambda = slider(lInput, data.lambda, "2", function (v) { return "lambda = " + pretty(v); });
    var ensemble = root.querySelector("#bound-ensemble");
    Object.keys(data.ensembles).forEach(function (key) {
      var option = document.createElement("option");
      option.value = key;
      option.textContent = data.ensembles[key];
      ensemble.appendChild(option);
    });
    ensemble.value = "gaussian";

    function update() {
      var gamma = readGamma();
      var lambda = readLambda();
      show(root.querySelector("#bound-gamma-value"), gamma);
      show(root.querySelector("#bound-lambda-value"), lambda);
      var run = data.jacobians[ensemble.value][Number(gInput.value)][Number(lInput.value)];
      var n = data.horizon;
      show(root.querySelector("#bound-rate"), run.rate, Number(run.rate) < 1 ? " (below 1: the gradient must vanish)" : Number(run.rate) > 1 ? " (above 1: explosion is possible, not certain)" : " (exactly 1)");
      show(root.querySelector("#bound-last"), run.bound, " at t \u2212 k = " + n);
      show(root.querySelector("#bound-measured"), run.measured[n - 1], " at t \u2212 k = " + n);

      var logs = run.measured.map(log10).concat([log10(run.rate), log10(run.bound)]);
      var r = range(logs);
      var f = frame(svg, n, r[0], r[1], "t \u2212 k, steps the gradient travels back", "norm (log scale)");
      svg.dataset.regime = regime(Number(run.rate));
      el("line", { "class": "series-b", x1: f.x(1), y1: f.y(log10(run.rate)), x2: f.x(n), y2: f.y(log10(run.bound)) }, svg);
      run.measured.forEach(function (m, k) {
        if (Number(m) > 0) el("circle", { "class": "series-a-dot", cx: f.x(k + 1), cy: f.y(log10(m)), r: 3.5 }, svg);
      });
      legend(svg, [
        { cls: "series-b", label: "bound (\u03b3\u03bb)\u1d57\u207b\u1d4f" },
        { cls: "series-a-dot", dot: true, label: "measured \u2016\u2202h\u209c/\u2202h\u2096\u2016\u2082" },
      ]);
    }
    [gInput, lInput, ensemble].forEach(function (input) { input.addEventListener("input", update); });
    addEventListener("resize", update);
    update();
  }

  function start() {
    var source = document.getElementById("playground-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var unroll = document.getElementById("explorer-unroll");
    var bound = document.getElementById("explorer-bound");
    if (unroll) unrollExplorer(unroll, data);
    if (bound) boundExplorer(bound, data);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
