/* The connectivity explorer on the Playground page (docs/playground.md).
 *
 * Every number comes from the JSON block #connectivity-data, which
 * figures/outputs/beyond.py writes from rnncore.connectivity when the site is built:
 * ‖∂ℓ/∂x_k‖ for ℓ = u · h_T, by distance T − k, for a tanh RNN, LSTMs and GRUs. This
 * script only looks values up and draws SVG. Each readout carries the engine's text in
 * data-value, so the browser tests can compare it with rnncore.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var SUPERSCRIPT = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻" };
  var BOX = { left: 64, right: 620, top: 16, bottom: 252 };

  function sup(n) { return String(n).split("").map(function (c) { return SUPERSCRIPT[c]; }).join(""); }

  /* "2.345e-07" → "2.345 × 10⁻⁷" */
  function pretty(text) {
    var parts = text.split("e");
    var exponent = parseInt(parts[1], 10);
    var mantissa = parts[0].replace("-", "\u2212");
    return exponent === 0 ? mantissa : mantissa + " \u00d7 10" + sup(exponent);
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  /* One log scale for every model and network, so that switching compares like with like. */
  function range(data) {
    var lo = 0, hi = 0;
    data.models.forEach(function (m) {
      [m.median].concat(m.networks).forEach(function (row) {
        row.forEach(function (v) {
          var log = Math.log10(Math.max(parseFloat(v), 1e-300));
          lo = Math.min(lo, Math.floor(log));
          hi = Math.max(hi, Math.ceil(log));
        });
      });
    });
    return [lo, hi];
  }

  function draw(svg, values, steps, scale) {
    Array.prototype.slice.call(svg.childNodes).forEach(function (child) {
      if (child.nodeName.toLowerCase() !== "title") svg.removeChild(child);
    });
    var logs = values.map(function (v) { return Math.log10(Math.max(parseFloat(v), 1e-300)); });
    var lo = scale[0], hi = scale[1] === scale[0] ? scale[0] + 1 : scale[1];
    var x = function (d) { return BOX.right - d / (steps - 1) * (BOX.right - BOX.left); };
    var y = function (log) { return BOX.bottom - (log - lo) / (hi - lo) * (BOX.bottom - BOX.top); };
    var every = Math.max(1, Math.ceil((hi - lo) / 8));
    for (var d = lo; d <= hi; d += every) {
      el("line", { "class": "grid", x1: BOX.left, x2: BOX.right, y1: y(d), y2: y(d) }, svg);
      el("text", { x: BOX.left - 8, y: y(d) + 4, "text-anchor": "end" }, svg).textContent = d === 0 ? "1" : "10" + sup(d);
    }
    for (var k = 1; k <= steps; k++) {
      if (k !== 1 && k % 10 !== 0 && k !== steps) continue;
      el("text", { x: x(steps - k), y: BOX.bottom + 18, "text-anchor": "middle" }, svg).textContent = String(k);
    }
    el("path", { "class": "axis", d: "M" + BOX.left + "," + BOX.top + "V" + BOX.bottom + "H" + BOX.right }, svg);
    el("text", { x: (BOX.left + BOX.right) / 2, y: BOX.bottom + 40, "text-anchor": "middle" }, svg).textContent =
      "input step k (the last step T = " + steps + " on the right)";
    var width = Math.max(1, (BOX.right - BOX.left) / steps - 1);
    logs.forEach(function (log, dist) {
      var top = y(log);
      el("rect", { "class": "series-a-dot", x: x(dist) - width / 2, y: top, width: width,
                   height: Math.max(0, BOX.bottom - top) }, svg);
    });
  }

  function init() {
    var root = document.getElementById("explorer-connectivity");
    var source = document.getElementById("connectivity-data");
    if (!root || !source) return;
    var data = JSON.parse(source.textContent);
    var model = document.getElementById("connectivity-model");
    var network = document.getElementById("connectivity-network");
    var networkValue = document.getElementById("connectivity-network-value");
    data.models.forEach(function (m, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = m.label;
      model.appendChild(option);
    });
    network.max = String(data.models[0].networks.length);
    var scale = range(data);
    network.value = "0";

    function update() {
      var m = data.models[parseInt(model.value, 10)];
      var n = parseInt(network.value, 10);
      var values = n === 0 ? m.median : m.networks[n - 1];
      var label = n === 0 ? "median of " + data.count + " networks" : "network " + n;
      networkValue.textContent = label;
      network.setAttribute("aria-valuetext", label);
      draw(document.getElementById("connectivity-chart"), values, data.steps, scale);
      [["connectivity-last", 0], ["connectivity-ten", Math.min(10, data.steps - 1)],
       ["connectivity-first", data.steps - 1]].forEach(function (pair) {
        var target = document.getElementById(pair[0]);
        target.textContent = pretty(values[pair[1]]);
        target.setAttribute("data-value", values[pair[1]]);
      });
    }
    model.addEventListener("change", update);
    network.addEventListener("input", update);
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
