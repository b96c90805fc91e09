/* chainrule's backprop explorer: one graph, its forward pass and its backward pass, a step at a
 * time. Plain JavaScript, no library: autograd/explorer inlines this file into every page.
 *
 * The page gets a record of the graph (graph.py: every node in topological order, with its op,
 * its operands, its data and the local derivative on each edge) and a layout (layout.py). It
 * replays the backward pass from those numbers, and when a leaf changes it recomputes every
 * value and local derivative with OPS below: autograd/ops.py written again in JavaScript, row
 * for row. The tests check, in a real browser, that the two tables agree on every op.
 *
 * Sections: numbers as Python prints them; the op table; graphs (topological order, names);
 * the expression language; the layered layout; the explorer (state, drawing, controls, API).
 */
(function () {
  "use strict";

  // --- numbers as Python formats them ------------------------------------------------------

  function special(x) {
    if (Number.isNaN(x)) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    return null;
  }

  function exponent(e) {  // Python writes e+06, JavaScript e+6
    const sign = e < 0 ? "-" : "+";
    const digits = String(Math.abs(e));
    return "e" + sign + (digits.length < 2 ? "0" + digits : digits);
  }

  function formatG(x, p) {  // f"{x:.{p}g}"
    const s = special(x);
    if (s !== null) return s;
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const [mantissa, e] = x.toExponential(p - 1).split("e");
    const exp = Number(e);
    if (exp >= -4 && exp < p) {
      let fixed = x.toFixed(Math.max(0, p - 1 - exp));
      if (fixed.indexOf(".") >= 0) fixed = fixed.replace(/0+$/, "").replace(/\.$/, "");
      return fixed;
    }
    let m = mantissa;
    if (m.indexOf(".") >= 0) m = m.replace(/0+$/, "").replace(/\.$/, "");
    return m + exponent(exp);
  }

  function number(x) {  // a node's data or grad as its box shows it: names.number()
    const s = special(x);
    if (s !== null) return s;
    if (Math.abs(x) < 1e6) return x.toFixed(4);
    const [m, e] = x.toExponential(4).split("e");
    return m + exponent(Number(e));
  }

  function compact(x) {  // 4 significant digits, as the steps show them: names.compact()
    return formatG(x + 0, 4);
  }

  // --- the op table: autograd/ops.py in JavaScript -------------------------------------------
  // value(...inputs) and derivatives(out, ...inputs), inputs being the operands' data and then
  // the op's constant argument, if it has one. Same forms, same checks, same messages.

  function fail(message) {
    throw new RangeError(message);
  }

  function repr(x) {  // a float as Python's repr writes it, near enough for a message
    const s = special(x);
    if (s !== null) return s;
    return Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : String(x);
  }

  function rawPower(x, n) {  // _power: x ** n for a real result only
    if (x === 1 || (x === -1 && !Number.isFinite(n))) return 1;  // Python: 1.0 ** nan is 1.0
    if (n === 0) return 1;
    if (x < 0 && Number.isFinite(n) && !Number.isInteger(n)) {
      fail(repr(x) + " ** " + repr(n) +
        " is not a real number: a negative base needs an integer exponent");
    }
    return Math.pow(x, n);
  }

  function power(x, n) {  // the helper the rules use: inf at 0 for a negative power
    if (x === 0 && n < 0) return Infinity;
    return rawPower(x, n);
  }

  function checkedPower(x, n) {
    if (x === 0 && n < 0) fail("0.0 cannot be raised to the negative power " + repr(n));
    return rawPower(x, n);
  }

  function sigmoid(x) {  // two forms so that exp never overflows
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  }

  function log(x) {
    if (x <= 0) fail("log is defined for positive numbers only; got " + repr(x));
    return Math.log(x);
  }

  function sin(x) {
    if (x === Infinity || x === -Infinity) fail("sin is not defined at " + repr(x));
    return Math.sin(x);
  }

  function cos(x) {
    if (x === Infinity || x === -Infinity) fail("cos is not defined at " + repr(x));
    return Math.cos(x);
  }

  function sign(x) {
    return x > 0 ? 1 : x < 0 ? -1 : 0;
  }

  function op(value, derivatives) {
    return { value: value, derivatives: derivatives };
  }

  const OPS = {
    "+": op((a, b) => a + b, () => [1, 1]),
    "sum": op(
      (...xs) => xs.reduce((total, x) => total + x, 0),
      (out, ...xs) => xs.map(() => 1)),
    "*": op((a, b) => a * b, (out, a, b) => [b, a]),
    "linear": op(
      (b, ...pairs) => {  // b + w1*x1 + ... + wn*xn, left to right
        let total = b;
        for (let i = 0; i < pairs.length; i += 2) total += pairs[i] * pairs[i + 1];
        return total;
      },
      (out, b, ...pairs) => {  // 1 for b; x_i for each weight; w_i for each input
        const d = [1];
        for (let i = 0; i < pairs.length; i += 2) d.push(pairs[i + 1], pairs[i]);
        return d;
      }),
    "neg": op((x) => -x, () => [-1]),
    "**": op(checkedPower, (out, x, n) => [n !== 0 ? n * power(x, n - 1) : 0]),
    "pow": op(checkedPower, (out, a, b) => [
      b !== 0 ? b * power(a, b - 1) : 0,
      a > 0 ? out * log(a) : a === 0 ? 0 : NaN,  // d(a**b)/db = a**b ln a
    ]),
    "exp": op((x) => Math.exp(x), (out) => [out]),
    "log": op(log, (out, x) => [1 / x]),
    "sqrt": op(
      (x) => {
        if (x < 0) fail("sqrt is defined for non-negative numbers only; got " + repr(x));
        return Math.sqrt(x);
      },
      (out, x) => [0.5 * power(x, -0.5)]),
    "tanh": op((x) => Math.tanh(x), (out) => [1 - out * out]),
    "sigmoid": op(sigmoid, (out) => [out * (1 - out)]),
    "softplus": op(  // max(x, 0) + log(1 + e**-|x|), which never overflows
      (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
      (out, x) => [sigmoid(x)]),
    "relu": op((x) => (x <= 0 ? 0 : x), (out, x) => [x > 0 ? 1 : 0]),
    "leaky_relu": op(
      (x, alpha) => (x <= 0 ? alpha * x : x),
      (out, x, alpha) => [x > 0 ? 1 : alpha]),
    "abs": op((x) => Math.abs(x), (out, x) => [sign(x)]),
    "sin": op(sin, (out, x) => [cos(x)]),
    "cos": op(cos, (out, x) => [-sin(x)]),
  };

  function opText(node) {  // `*`, `tanh`, `**2`, `leaky_relu(0.01)`, as draw_dot writes them
    if (node.arg === null) return node.op;
    return node.op === "**" ? "**" + formatG(node.arg, 6) : node.op + "(" + formatG(node.arg, 6) + ")";
  }

  function expressionText(node, names) {  // `a * b`, `x ** 2`, `tanh(n)`: names.expression()
    const args = node.prev.map((j) => names[j]);
    if (node.arg !== null) args.push(formatG(node.arg, 6));
    if (args.length === 2 && !/^[A-Za-z_]\w*$/.test(node.op)) return args[0] + " " + node.op + " " + args[1];
    return node.op + "(" + args.join(", ") + ")";
  }

  // --- graphs built in the page --------------------------------------------------------------
  // A typed expression is built as in the engine: one object per node, its operands in order.

  function makeNode(data, label, opName, arg, prev, local) {
    return { data: data, label: label || "", op: opName || "", arg: arg === undefined ? null : arg,
      prev: prev || [], local: local || [] };
  }

  function apply(opName, operands, arg) {
    const inputs = operands.map((x) => x.data);
    if (arg !== undefined && arg !== null) inputs.push(arg);
    const data = OPS[opName].value(...inputs);
    return makeNode(data, "", opName, arg, operands, OPS[opName].derivatives(data, ...inputs));
  }

  function topologicalOrder(root) {  // engine.topological_order, the same iterative search
    const order = [];
    const seen = new Set([root]);
    const stack = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const node = top[0];
      let descended = false;
      while (top[1] < node.prev.length) {
        const operand = node.prev[top[1]++];
        if (!seen.has(operand)) {
          seen.add(operand);
          stack.push([operand, 0]);
          descended = true;
          break;
        }
      }
      if (!descended) {
        stack.pop();
        order.push(node);
      }
    }
    return order;
  }

  function nodeNames(labels) {  // names.node_names: the label, or #i; label#i when shared
    const counts = {};
    labels.forEach((label) => { counts[label] = (counts[label] || 0) + 1; });
    return labels.map((label, i) => (!label ? "#" + i : counts[label] > 1 ? label + "#" + i : label));
  }

  function recordOf(root) {  // graph.py's record of a graph built in the page
    const order = topologicalOrder(root);
    const position = new Map(order.map((node, i) => [node, i]));
    const names = nodeNames(order.map((node) => node.label));
    return {
      nodes: order.map((node, i) => ({
        name: names[i], label: node.label, op: node.op, arg: node.arg,
        prev: node.prev.map((x) => position.get(x)), data: node.data, local: node.local.slice(),
      })),
      boxes: [],
    };
  }

  // --- the expression language ----------------------------------------------------------------
  // Numbers, names, + - * / **, unary minus and the engine's functions, with Python's precedence
  // and the engine's meaning for each operator: `a - b` is a + (-b), `a / b` is a * b**-1, and
  // `2 * x` is x * 2, as Value.__rmul__ makes it. autograd/explorer/expression.py is the same
  // language in Python.

  const FUNCTIONS = ["exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "relu", "leaky_relu",
    "abs", "sin", "cos"];
  const LANGUAGE = "numbers, names, + - * / **, parentheses and the functions " + FUNCTIONS.join(", ");

  class ExpressionError extends Error {}

  function tokenize(text) {
    const tokens = [];
    const pattern = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/(),]))/y;
    let at = 0;
    while (at < text.length) {
      if (/^\s*$/.test(text.slice(at))) break;
      pattern.lastIndex = at;
      const m = pattern.exec(text);
      if (!m) {
        const rest = text.slice(at).trimStart();
        const column = text.length - rest.length + 1;
        throw new ExpressionError("cannot read '" + rest[0] + "' at column " + column +
          ": an expression takes " + LANGUAGE);
      }
      const column = at + m[0].length - (m[1] || m[2] || m[3]).length + 1;
      if (m[1] !== undefined) tokens.push({ kind: "number", value: Number(m[1]), column: column });
      else if (m[2] !== undefined) tokens.push({ kind: "name", value: m[2], column: column });
      else tokens.push({ kind: m[3], column: column });
      at = pattern.lastIndex;
    }
    tokens.push({ kind: "end", column: text.length + 1 });
    return tokens;
  }

  function isNode(x) {
    return typeof x !== "number";
  }

  function leaf(x) {
    return makeNode(x, "");
  }

  function numberPower(a, b) {  // Python's float ** float, which raises where JavaScript gives nan
    if (a === 0 && b < 0) throw new ExpressionError("0 cannot be raised to a negative power");
    if (a < 0 && !Number.isInteger(b)) {
      throw new ExpressionError(repr(a) + " ** " + repr(b) + " is not a real number");
    }
    const r = rawPower(a, b);
    if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) {
      throw new ExpressionError(repr(a) + " ** " + repr(b) + " is too large for a float");
    }
    return r;
  }

  const ARITHMETIC = {  // Value's operators, both sides; a number with a number is a number
    "+": (a, b) => isNode(a) ? apply("+", [a, isNode(b) ? b : leaf(b)])
      : isNode(b) ? apply("+", [b, leaf(a)]) : a + b,
    "*": (a, b) => isNode(a) ? apply("*", [a, isNode(b) ? b : leaf(b)])
      : isNode(b) ? apply("*", [b, leaf(a)]) : a * b,
    "-": (a, b) => isNode(a) ? apply("+", [a, isNode(b) ? apply("neg", [b]) : leaf(-b)])
      : isNode(b) ? apply("+", [apply("neg", [b]), leaf(a)]) : a - b,
    "/": (a, b) => {
      if (isNode(b)) return apply("*", isNode(a) ? [a, apply("**", [b], -1)] : [apply("**", [b], -1), leaf(a)]);
      if (b === 0) throw new ExpressionError("division by zero");
      return isNode(a) ? apply("*", [a, leaf(numberPower(b, -1))]) : a / b;
    },
    "**": (a, b) => isNode(b) ? apply("pow", [isNode(a) ? a : leaf(a), b])
      : isNode(a) ? apply("**", [a], b) : numberPower(a, b),
  };

  function parseExpression(text, values) {
    // values: name -> number. Returns the root node, or throws an ExpressionError.
    if (typeof text !== "string" || !text.trim()) throw new ExpressionError("type an expression, such as tanh(x*w + b)");
    const tokens = tokenize(text);
    const leaves = new Map();
    let at = 0;
    const peek = () => tokens[at];
    const take = () => tokens[at++];
    function expect(kind, what) {
      const token = take();
      if (token.kind !== kind) throw new ExpressionError("expected " + what + " at column " + token.column);
      return token;
    }
    function guard(f) {  // an op outside its domain (log of a negative) as an expression error
      try {
        return f();
      } catch (e) {
        if (e instanceof RangeError) throw new ExpressionError(e.message);
        throw e;
      }
    }
    function sum() {
      let left = product();
      while (peek().kind === "+" || peek().kind === "-") {
        const o = take().kind;
        const right = product();
        const l = left;
        left = guard(() => ARITHMETIC[o](l, right));
      }
      return left;
    }
    function product() {
      let left = unary();
      while (peek().kind === "*" || peek().kind === "/") {
        const o = take().kind;
        const right = unary();
        const l = left;
        left = guard(() => ARITHMETIC[o](l, right));
      }
      return left;
    }
    function unary() {
      if (peek().kind === "-") {
        take();
        const x = unary();
        return isNode(x) ? guard(() => apply("neg", [x])) : -x;
      }
      if (peek().kind === "+") {
        take();
        return unary();
      }
      return powerOf();
    }
    function powerOf() {
      const base = atom();
      if (peek().kind === "**") {
        take();
        const e = unary();  // right to left, and 2 ** -1 is allowed, as in Python
        return guard(() => ARITHMETIC["**"](base, e));
      }
      return base;
    }
    function atom() {
      const token = take();
      if (token.kind === "number") return token.value;
      if (token.kind === "(") {
        const inside = sum();
        expect(")", "')'");
        return inside;
      }
      if (token.kind === "name") {
        if (peek().kind === "(") return call(token);
        if (!leaves.has(token.value)) {
          if (!Object.prototype.hasOwnProperty.call(values, token.value)) {
            throw new ExpressionError(token.value + " has no value: give it one, as " + token.value + "=1");
          }
          leaves.set(token.value, makeNode(values[token.value], token.value));
        }
        return leaves.get(token.value);
      }
      if (token.kind === "end") throw new ExpressionError("the expression ends too soon");
      throw new ExpressionError("unexpected '" + token.kind + "' at column " + token.column +
        ": an expression takes " + LANGUAGE);
    }
    function call(token) {
      const name = token.value;
      if (FUNCTIONS.indexOf(name) < 0) {
        throw new ExpressionError(name + "() is not a function of the engine; the functions are " + FUNCTIONS.join(", "));
      }
      take();  // (
      const args = [sum()];
      while (peek().kind === ",") {
        take();
        args.push(sum());
      }
      expect(")", "')' to close " + name + "(");
      const most = name === "leaky_relu" ? 2 : 1;
      if (args.length > most) throw new ExpressionError(name + "() takes " + (most === 1 ? "one argument" : "a value and a slope") + "; got " + args.length);
      const x = isNode(args[0]) ? args[0] : leaf(args[0]);
      if (name === "leaky_relu") {
        const alpha = args.length > 1 ? args[1] : 0.01;
        if (isNode(alpha)) throw new ExpressionError("leaky_relu's slope is a number, not an expression of names");
        return guard(() => apply("leaky_relu", [x], alpha));
      }
      return guard(() => apply(name, [x]));
    }
    const root = sum();
    if (peek().kind !== "end") {
      const token = peek();
      throw new ExpressionError("unexpected " + (token.kind === "name" || token.kind === "number" ? "'" + token.value + "'" : "'" + token.kind + "'") +
        " at column " + token.column + ": an expression takes " + LANGUAGE);
    }
    if (!isNode(root)) throw new ExpressionError("the expression is a number: use a name, such as x, to get a graph");
    return root;
  }

  function parseValues(text) {  // "x=1 w=0.5, b=-0.2" -> {x: 1, w: 0.5, b: -0.2}
    const values = {};
    for (const part of (text || "").split(/[\s,;]+/).filter(Boolean)) {
      const m = /^([A-Za-z_]\w*)=([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/.exec(part);
      if (!m) throw new ExpressionError("cannot read the value '" + part + "': write name=number, as x=1");
      values[m[1]] = Number(m[2]);
    }
    return values;
  }

  // --- layout for a graph built in the page: layout.py's drawing() and layered_layout() --------

  const CHAR = 7;

  function drawing(record) {
    const nodes = record.nodes, boxes = record.boxes;
    const hidden = new Set(), madeBy = new Map();
    boxes.forEach((box, k) => {
      box.hidden.forEach((i) => hidden.add(i));
      box.outputs.forEach((i) => madeBy.set(i, k));
    });
    const sizes = new Map(), edges = [], emitted = new Set();
    nodes.forEach((node, i) => {
      boxes.forEach((b, k) => {
        if (!emitted.has(k) && (b.hidden.indexOf(i) >= 0 || b.outputs.indexOf(i) >= 0)) {
          emitted.add(k);
          sizes.set("b" + k, [Math.max(170, CHAR * b.title.length + 24), 46]);
          b.inputs.forEach((j) => edges.push(["i" + k + "." + j, "v" + j, "b" + k]));
        }
      });
      if (hidden.has(i)) return;
      sizes.set("v" + i, [Math.max(150, CHAR * node.name.length + 24), 54]);
      if (madeBy.has(i)) {
        edges.push(["r" + i, "b" + madeBy.get(i), "v" + i]);
      } else if (node.op) {
        sizes.set("o" + i, [Math.max(32, CHAR * opText(node).length + 18), 28]);
        node.prev.forEach((j, k) => edges.push(["e" + i + "." + k, "v" + j, "o" + i]));
        edges.push(["r" + i, "o" + i, "v" + i]);
      }
    });
    return [sizes, edges];
  }

  function layeredLayout(record) {
    const [sizes, edges] = drawing(record);
    const names = Array.from(sizes.keys());
    const tails = new Map(names.map((n) => [n, []])), heads = new Map(names.map((n) => [n, []]));
    edges.forEach(([, t, h]) => { tails.get(h).push(t); heads.get(t).push(h); });
    const layer = new Map(names.map((n) => [n, 0]));
    const waiting = new Map(names.map((n) => [n, tails.get(n).length]));
    const ready = names.filter((n) => !waiting.get(n));
    while (ready.length) {  // Kahn's order: a thing is placed once everything it takes is
      const name = ready.pop();
      for (const head of heads.get(name)) {
        layer.set(head, Math.max(layer.get(head), layer.get(name) + 1));
        waiting.set(head, waiting.get(head) - 1);
        if (!waiting.get(head)) ready.push(head);
      }
    }
    const layers = [];
    names.forEach((n) => { (layers[layer.get(n)] = layers[layer.get(n)] || []).push(n); });
    const rank = new Map();
    layers.forEach((column) => column.forEach((n, i) => rank.set(n, i)));
    const mean = (n) => tails.get(n).reduce((s, t) => s + rank.get(t), 0) / Math.max(1, tails.get(n).length);
    for (let sweep = 0; sweep < 2; sweep++) {
      layers.slice(1).forEach((column) => {
        const keys = new Map(column.map((n) => [n, mean(n)]));
        column.sort((a, b) => keys.get(a) - keys.get(b));
        column.forEach((n, i) => rank.set(n, i));
      });
    }
    const gapX = 48, gapY = 16, margin = 8;
    const heights = layers.map((column) => column.reduce((s, n) => s + sizes.get(n)[1] + gapY, 0) - gapY);
    const height = Math.max(0, ...heights) + 2 * margin;
    const items = {};
    let x = margin;
    layers.forEach((column, c) => {
      const width = Math.max(...column.map((n) => sizes.get(n)[0]));
      let y = (height - heights[c]) / 2;
      column.forEach((n) => {
        const [w, h] = sizes.get(n);
        items[n] = [x + width / 2, y + h / 2, w, h];
        y += h + gapY;
      });
      x += width + gapX;
    });
    const placed = edges.map(([id, tail, head]) => {
      const [tx, ty, tw] = items[tail], [hx, hy, hw] = items[head];
      const x0 = tx + tw / 2, x1 = hx - hw / 2, bend = (x1 - x0) / 2;
      return { id: id, tail: tail, head: head,
        points: [[x0, ty], [x0 + bend, ty], [x1 - bend, hy], [x1, hy]],
        label: id[0] === "e" ? [(x0 + x1) / 2, (ty + hy) / 2 - 6] : null };
    });
    return { width: x - gapX + margin, height: height, items: items, edges: placed };
  }

  // --- the explorer ----------------------------------------------------------------------------

  const SVG = "http://www.w3.org/2000/svg";
  const PATHS_LISTED = 24;  // past this many paths, the page says how many instead of listing
  const PATHS_RETURNED = 10000;  // and paths() refuses past this many

  function svg(tag, attributes, parent) {
    const element = document.createElementNS(SVG, tag);
    for (const key in attributes) element.setAttribute(key, attributes[key]);
    if (parent) parent.appendChild(element);
    return element;
  }

  function html(tag, attributes, parent, text) {
    const element = document.createElement(tag);
    for (const key in attributes || {}) element.setAttribute(key, attributes[key]);
    if (text !== undefined) element.textContent = text;
    if (parent) parent.appendChild(element);
    return element;
  }

  class Explorer {
    constructor(root, data) {
      this.root = root;
      this.limit = data.limit;
      this.message = "";
      this.playing = null;
      this.selected = null;
      this.buildControls(data);
      this.load(data.record, data.layout);
    }

    // --- the model: the record, replayed ---------------------------------------------------

    load(record, layout) {
      const nodes = record.nodes;
      this.record = record;
      this.nodes = nodes.map((n) => ({ name: n.name, label: n.label, op: n.op, arg: n.arg,
        prev: n.prev, data: n.data, local: n.local.slice() }));
      this.byName = new Map(this.nodes.map((n, i) => [n.name, i]));
      this.users = this.nodes.map(() => []);  // i -> [[user, k]]: the edges out of node i
      this.nodes.forEach((n, i) => n.prev.forEach((j, k) => this.users[j].push([i, k])));
      this.boxes = record.boxes;
      this.boxOf = new Map();  // a hidden node, or a box's output -> the box's index
      this.boxes.forEach((box, k) => {
        box.hidden.forEach((i) => this.boxOf.set(i, k));
        box.outputs.forEach((i) => this.boxOf.set(i, k));
      });
      this.hidden = new Set();
      this.boxes.forEach((box) => box.hidden.forEach((i) => this.hidden.add(i)));
      const n = nodes.length, shown = [];
      for (let i = 0; i < n; i++) if (!this.hidden.has(i)) shown.push(i);
      // The steps: the forward pass over the drawn nodes in topological order, then the
      // backward pass over them root first. A node hidden in a module box has its steps
      // folded into the next drawn node's.
      this.stepList = shown.map((i) => ({ forward: true, node: i, at: i }))
        .concat(shown.slice().reverse().map((i) => ({ forward: false, node: i, at: n - 1 - i })));
      this.backward();
      this.layout = layout || layeredLayout(record);
      this.draw();
      this.selected = null;
      this.slider.max = String(this.stepList.length - 1);
      this.go(shown.length - 1);  // the forward pass done: every value, no grad yet
    }

    recompute(values) {
      // Every value and local derivative again, in topological order, from the leaves' values;
      // throws (and changes nothing) when an op is outside its domain.
      const data = [], local = [];
      this.nodes.forEach((node, i) => {
        if (!node.op) {
          data.push(values.has(i) ? values.get(i) : node.data);
          local.push([]);
          return;
        }
        const inputs = node.prev.map((j) => data[j]);
        if (node.arg !== null) inputs.push(node.arg);
        const out = OPS[node.op].value(...inputs);
        data.push(out);
        local.push(OPS[node.op].derivatives(out, ...inputs));
      });
      this.nodes.forEach((node, i) => { node.data = data[i]; node.local = local[i]; });
      this.backward();
    }

    backward() {
      // The backward pass as engine.backward_pass runs it, recorded: what reached each node.
      const n = this.nodes.length;
      const grads = new Array(n).fill(0);
      grads[n - 1] = 1;
      this.received = this.nodes.map(() => []);  // i -> [{step, amount, total, from}]
      this.upstream = new Array(n);
      for (let j = 0; j < n; j++) {
        const i = n - 1 - j, node = this.nodes[i], up = grads[i];
        this.upstream[j] = up;
        node.prev.forEach((operand, k) => {
          const amount = node.local[k] * up;
          grads[operand] += amount;
          this.received[operand].push({ step: j, amount: amount, total: grads[operand], from: i, k: k });
        });
      }
    }

    state(i) {
      // Where node i stands at the current step: its data (or null), grad (or null), the terms
      // of its grad so far, and its status.
      const step = this.stepList[this.current], n = this.nodes.length;
      if (step.forward) {
        const known = i <= step.at;
        return { data: known ? this.nodes[i].data : null, grad: null, terms: [],
          status: i === step.at ? "current" : known ? "computed" : "pending" };
      }
      const position = n - 1 - i;
      const terms = this.received[i].filter((r) => r.step <= step.at);
      let grad = terms.length ? terms[terms.length - 1].total : null;
      if (i === n - 1) grad = 1;
      const status = position < step.at ? "final" : position === step.at ? "current"
        : grad !== null ? "partial" : "unreached";
      return { data: this.nodes[i].data, grad: grad, terms: terms, status: status };
    }

    pathCount(i) {  // how many paths lead from node i to the root, one per chain of edges
      const n = this.nodes.length, count = new Array(n).fill(0);
      count[n - 1] = 1;
      for (let t = n - 2; t >= i; t--) {
        count[t] = this.users[t].reduce((s, [u]) => s + count[u], 0);
      }
      return count[i];
    }

    paths(i, most) {
      // Every path from node i up to the root, with the product of the local derivatives on it.
      const n = this.nodes.length, found = [];
      const stack = [[i, [i], 1, []]];
      while (stack.length) {
        const [t, nodes, product, locals] = stack.pop();
        if (t === n - 1) {
          found.push({ nodes: nodes, product: product, locals: locals });
          if (found.length >= most) break;
          continue;
        }
        const users = this.users[t];
        for (let u = users.length - 1; u >= 0; u--) {  // popped in order: first user first
          const [user, k] = users[u];
          const local = this.nodes[user].local[k];
          stack.push([user, nodes.concat([user]), product * local, locals.concat([local])]);
        }
      }
      return found;
    }

    onPaths(i) {  // the nodes on some path from node i to the root: i and everything it feeds
      const on = new Set([i]);
      for (let t = i; t < this.nodes.length; t++) {
        if (on.has(t)) this.users[t].forEach(([u]) => on.add(u));
      }
      return on;
    }

    // --- drawing ----------------------------------------------------------------------------

    buildControls(data) {
      const root = this.root;
      root.textContent = "";
      root.classList.add("cr-explorer");
      root.tabIndex = 0;
      const bar = html("div", { class: "cr-bar" }, root);
      const form = html("form", { class: "cr-expression" }, bar);
      html("label", { for: root.id + "-expr" }, form, "Expression");
      this.exprInput = html("input", { id: root.id + "-expr", name: "expression", size: "22",
        placeholder: "tanh(x*w + b)", spellcheck: "false", autocomplete: "off" }, form);
      this.valuesInput = html("input", { name: "values", size: "18", placeholder: "x=1 w=0.5 b=-0.2",
        spellcheck: "false", autocomplete: "off", "aria-label": "values of the names" }, form);
      html("button", { type: "submit" }, form, "Draw");
      if (data.expression) this.exprInput.value = data.expression;
      if (data.values) this.valuesInput.value = data.values;
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.typed(this.exprInput.value, this.valuesInput.value);
      });
      this.messageBox = html("div", { class: "cr-message", role: "status" }, root);
      const controls = html("div", { class: "cr-controls" }, root);
      const button = (text, title, action) => {
        const b = html("button", { type: "button", title: title, "aria-label": title }, controls, text);
        b.addEventListener("click", action);
        return b;
      };
      button("« first", "first step (Home)", () => this.go(0));
      button("‹ back", "previous step (←)", () => this.go(this.current - 1));
      this.playButton = button("▶ play", "play / pause (space)", () => this.play());
      button("next ›", "next step (→)", () => this.go(this.current + 1));
      button("last »", "last step (End)", () => this.go(this.stepList.length - 1));
      this.slider = html("input", { type: "range", min: "0", max: "0", value: "0", "aria-label": "step" }, controls);
      this.slider.addEventListener("input", () => this.go(Number(this.slider.value)));
      this.counter = html("span", { class: "cr-counter" }, controls);
      const zoom = html("span", { class: "cr-zoom" }, controls);
      [["−", "zoom out", 1 / 1.25], ["fit", "fit the width", 0], ["+", "zoom in", 1.25]].forEach(([t, title, f]) => {
        const b = html("button", { type: "button", title: title }, zoom, t);
        b.addEventListener("click", () => this.zoom(f));
      });
      this.stepText = html("div", { class: "cr-step" }, root);
      const main = html("div", { class: "cr-main" }, root);
      this.scroller = html("div", { class: "cr-graph" }, main);
      this.panel = html("div", { class: "cr-panel" }, main);
      this.scale = 0;  // 0: fit the width
      const keys = (event) => {
        if (event.target && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(event.target.tagName) &&
            !(event.target.type === "range")) return;
        const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
        if (event.key in moves) this.go(this.current + moves[event.key]);
        else if (event.key === "Home") this.go(0);
        else if (event.key === "End") this.go(this.stepList.length - 1);
        else if (event.key === " ") this.play();
        else return;
        event.preventDefault();
      };
      if (data.standalone) document.addEventListener("keydown", keys);
      else root.addEventListener("keydown", keys);
    }

    draw() {
      const layout = this.layout;
      this.scroller.textContent = "";
      const picture = svg("svg", { viewBox: "0 0 " + layout.width + " " + layout.height,
        class: "cr-svg", role: "img", "aria-label": "the graph" }, this.scroller);
      this.svg = picture;
      const defs = svg("defs", {}, picture);
      const marker = svg("marker", { id: this.root.id + "-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
        markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" }, defs);
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "cr-arrow" }, marker);
      const edgeLayer = svg("g", { class: "cr-edges" }, picture);
      const itemLayer = svg("g", { class: "cr-items" }, picture);
      const labelLayer = svg("g", { class: "cr-labels" }, picture);
      this.edges = {};
      for (const edge of layout.edges) {
        const p = edge.points;
        let d = "M" + p[0][0] + "," + p[0][1];
        if (p.length >= 4 && (p.length - 1) % 3 === 0) {
          for (let k = 1; k < p.length; k += 3) d += " C" + [p[k], p[k + 1], p[k + 2]].map((q) => q.join(",")).join(" ");
        } else {
          for (let k = 1; k < p.length; k++) d += " L" + p[k].join(",");
        }
        if ((p.length - 1) % 3 === 1 && p.length > 4) {  // dot's spline, then its arrow's tip
          d = "M" + p[0].join(",");
          for (let k = 1; k + 2 < p.length - 1; k += 3) d += " C" + [p[k], p[k + 1], p[k + 2]].map((q) => q.join(",")).join(" ");
          d += " L" + p[p.length - 1].join(",");
        }
        const path = svg("path", { d: d, class: "cr-edge", "marker-end": "url(#" + this.root.id + "-arrow)" }, edgeLayer);
        const entry = { path: path, edge: edge, shown: "" };
        if (edge.label) {
          const g = svg("g", { class: "cr-edge-label" }, labelLayer);
          entry.back = svg("rect", { x: edge.label[0], y: edge.label[1] - 7, width: 0, height: 14, rx: 3 }, g);
          entry.text = svg("text", { x: edge.label[0], y: edge.label[1] + 4, "text-anchor": "middle" }, g);
        }
        this.edges[edge.id] = entry;
      }
      this.items = {};
      for (const id in layout.items) {
        const [x, y, w, h] = layout.items[id];
        const g = svg("g", { class: "cr-item", "data-id": id }, itemLayer);
        const entry = { g: g, shown: {} };
        if (id[0] === "o") {
          svg("ellipse", { cx: x, cy: y, rx: w / 2, ry: h / 2 }, g);
          svg("text", { x: x, y: y + 4, "text-anchor": "middle", class: "cr-op" }, g).textContent = opText(this.nodes[Number(id.slice(1))]);
          g.classList.add("cr-opnode");
        } else if (id[0] === "b") {
          const box = this.boxes[Number(id.slice(1))];
          svg("rect", { x: x - w / 2, y: y - h / 2, width: w, height: h, rx: 10 }, g);
          svg("text", { x: x, y: y - 3, "text-anchor": "middle", class: "cr-title" }, g).textContent = box.title;
          svg("text", { x: x, y: y + 13, "text-anchor": "middle", class: "cr-small" }, g).textContent = box.parameters + " parameters";
          g.classList.add("cr-box");
          g.addEventListener("click", () => this.select(box.outputs[box.outputs.length - 1]));
        } else {
          const i = Number(id.slice(1));
          svg("rect", { x: x - w / 2, y: y - h / 2, width: w, height: h, rx: 4 }, g);
          svg("line", { x1: x - w / 2, x2: x + w / 2, y1: y - h / 2 + 18, y2: y - h / 2 + 18, class: "cr-rule" }, g);
          svg("text", { x: x, y: y - h / 2 + 13, "text-anchor": "middle", class: "cr-title" }, g).textContent = this.nodes[i].name;
          entry.data = svg("text", { x: x - w / 2 + 7, y: y + 6, class: "cr-num" }, g);
          entry.grad = svg("text", { x: x - w / 2 + 7, y: y + 21, class: "cr-num" }, g);
          entry.width = w;
          g.classList.add("cr-value");
          g.addEventListener("click", () => this.select(i));
        }
        this.items[id] = entry;
      }
      this.applyZoom();
    }

    zoom(factor) {
      const natural = this.layout.width;
      const fit = Math.min(1, (this.scroller.clientWidth - 4) / natural);
      const now = this.scale || fit;
      this.scale = factor === 0 ? 0 : Math.max(0.2, Math.min(3, now * factor));
      this.applyZoom();
    }

    applyZoom() {
      const natural = this.layout.width;
      if (this.scale === 0) {  // fit the width, but never so small that the numbers blur: scroll
        const room = this.scroller.clientWidth - 4;
        this.svg.style.width = room > 0 ? Math.max(0.7 * natural, Math.min(natural, room)) + "px" : "100%";
        this.svg.style.maxWidth = "none";
      } else {
        this.svg.style.width = natural * this.scale + "px";
        this.svg.style.maxWidth = "none";
      }
    }

    setClass(element, name, on) {
      if (element.classList.contains(name) !== on) element.classList.toggle(name, on);
    }

    setText(element, text) {
      if (element.textContent !== text) element.textContent = text;
    }

    gradText(st, width) {
      if (st.grad === null) return this.stepList[this.current].forward ? "grad" : "grad ?";
      if (st.terms.length < 2) return "grad " + number(st.grad);
      const text = "grad " + st.terms.map((r) => compact(r.amount)).join(" + ").replace(/\+ -/g, "− ") + " = " + compact(st.grad);
      if (text.length * 7 < width - 12) return text;
      return "grad " + number(st.grad) + " (Σ" + st.terms.length + ")";  // the panel lists them
    }

    render(keepEditor) {
      const step = this.stepList[this.current], n = this.nodes.length;
      const onPath = this.selected === null ? null : this.onPaths(this.selected);
      const states = this.nodes.map((_, i) => this.state(i));
      const statuses = ["current", "computed", "pending", "final", "partial", "unreached"];
      for (const id in this.items) {
        const entry = this.items[id], kind = id[0];
        let status;
        if (kind === "b") {
          const box = this.boxes[Number(id.slice(1))];
          const members = box.hidden.concat(box.outputs);
          const s = members.map((i) => states[i].status);
          status = s.indexOf("current") >= 0 ? "current"
            : s.every((x) => x === "final" || x === "computed") ? (step.forward ? "computed" : "final")
              : s.some((x) => x === "partial" || x === "final" || x === "computed") ? (step.forward ? "computed" : "partial")
                : step.forward ? "pending" : "unreached";
          this.setClass(entry.g, "cr-on-path", !!onPath && members.some((i) => onPath.has(i)));
        } else {
          const i = Number(id.slice(1)), st = states[i];
          status = kind === "o" ? (st.status === "current" ? "current" : step.forward ? (st.status === "pending" ? "pending" : "computed") : "") : st.status;
          if (kind === "v") {
            this.setText(entry.data, "data " + (st.data === null ? "?" : number(st.data)));
            this.setText(entry.grad, this.gradText(st, entry.width));
            this.setClass(entry.g, "cr-selected", this.selected === i);
          }
          this.setClass(entry.g, "cr-on-path", !!onPath && onPath.has(i));
        }
        for (const s of statuses) this.setClass(entry.g, "cr-" + s, status === s);
      }
      // The edges: each local derivative; the current step's edges read local × upstream.
      const current = step.node;
      for (const id in this.edges) {
        const entry = this.edges[id], edge = entry.edge;
        let text = "", active = false, path = false;
        if (id[0] === "e") {
          const [i, k] = id.slice(1).split(".").map(Number), node = this.nodes[i];
          const local = node.local[k];
          text = compact(local);
          if (!step.forward && i === current) {
            const up = this.upstream[n - 1 - i];
            text = compact(local) + " × " + compact(up) + " = " + compact(local * up);
            active = true;
          } else if (step.forward && i === current) {
            active = true;
          }
          path = !!onPath && onPath.has(i) && onPath.has(node.prev[k]);
        } else if (id[0] === "r") {
          const i = Number(id.slice(1));
          active = i === current;
          path = !!onPath && onPath.has(i);
        } else if (id[0] === "i") {
          const [k, j] = id.slice(1).split(".").map(Number);
          const box = this.boxes[k];
          active = this.boxOf.get(current) === k && box.inputs.indexOf(j) >= 0;
          path = !!onPath && onPath.has(j) && box.hidden.concat(box.outputs).some((t) => onPath.has(t));
        }
        this.setClass(entry.path, "cr-active", active);
        this.setClass(entry.path, "cr-on-path", path);
        if (entry.text) {
          if (entry.shown !== text) {
            entry.text.textContent = text;
            entry.shown = text;
            const w = text.length * 6 + 6;
            entry.back.setAttribute("x", edge.label[0] - w / 2);
            entry.back.setAttribute("width", w);
          }
          this.setClass(entry.text.parentNode, "cr-active", active);
        }
      }
      this.slider.value = String(this.current);
      this.setText(this.counter, "step " + (this.current + 1) + " of " + this.stepList.length);
      this.describe(step, states);
      this.showPanel(states, keepEditor);
    }

    describe(step, states) {
      // One line for the step, and for a backward step one row per edge it passes on.
      const node = this.nodes[step.node], names = this.nodes.map((x) => x.name);
      const text = this.stepText;
      text.textContent = "";
      const forwardCount = this.stepList.length / 2;
      const index = step.forward ? this.current + 1 : this.current + 1 - forwardCount;
      const phase = step.forward ? "forward " : "backward ";
      html("b", {}, text, phase + index + "/" + forwardCount + ": ");
      if (step.forward) {
        if (!node.op) {
          html("span", {}, text, node.name + " is a leaf: data " + number(node.data));
        } else {
          const numbers = this.nodes.map((x) => compact(x.data));
          html("span", {}, text, node.name + " = " + expressionText(node, names) + " = " +
            expressionText(node, numbers) + " = " + number(node.data) + (this.boxOf.has(step.node) ? "  (inside " + this.boxes[this.boxOf.get(step.node)].title + ")" : ""));
        }
        return;
      }
      const up = this.upstream[this.nodes.length - 1 - step.node];
      if (!node.op) {
        html("span", {}, text, node.name + " is a leaf: its grad " + number(up) + " is final, nothing to pass on");
        return;
      }
      html("span", {}, text, node.name + " = " + expressionText(node, names) + " has its final grad " + compact(up) +
        " and passes it on, local × upstream:");
      const list = html("ul", { class: "cr-terms" }, text);
      node.prev.forEach((j, k) => {
        const r = this.received[j].find((x) => x.from === step.node && x.k === k);
        const others = states[j].terms.length;
        html("li", {}, list, names[j] + " += " + compact(node.local[k]) + " × " + compact(up) + " = " +
          compact(r.amount) + "   → grad " + compact(r.total) + (others > 1 ? " (" + others + " terms so far)" : ""));
      });
    }

    showPanel(states, keepEditor) {
      // The selected node: its numbers, an editor for a leaf, and its gradient as a sum over
      // paths. While a leaf's slider is being dragged, the editor stays and the rest is redrawn.
      const panel = this.panel, i = this.selected;
      if (!(keepEditor && this.editorOf === i && i !== null)) {
        panel.textContent = "";
        this.editorOf = i;
        this.info = html("div", {}, panel);
        if (i !== null && !this.nodes[i].op) this.editor(html("div", { class: "cr-edit" }, panel), i);
        this.pathBox = html("div", { class: "cr-paths" }, panel);
      }
      this.info.textContent = "";
      this.pathBox.textContent = "";
      if (i === null) {
        html("p", { class: "cr-hint" }, this.info, "Click a value to see its gradient as a sum over" +
          " paths to the root, and to change a leaf. Keys: ← → step, space play, Home/End.");
        this.legend(this.info);
        return;
      }
      const node = this.nodes[i], st = states[i], n = this.nodes.length;
      const names = this.nodes.map((x) => x.name);
      html("h3", {}, this.info, node.name + (node.op ? " = " + expressionText(node, names) : " (leaf)"));
      html("p", {}, this.info, "data " + (st.data === null ? "? (not computed yet)" : number(st.data)));
      const forward = this.stepList[this.current].forward;
      html("p", {}, this.info, st.grad === null ? "grad: " + (forward ? "the backward pass has not started" : "nothing has reached it yet")
        : "grad " + (st.terms.length > 1 ? st.terms.map((r) => compact(r.amount)).join(" + ") + " = " : "") + number(st.grad) +
          (st.status === "final" || st.status === "current" ? " (final)" : " (sum so far)"));
      const count = this.pathCount(i);
      const root = names[n - 1], box = this.pathBox;
      html("p", {}, box, "d" + root + "/d" + node.name + " is the sum, over the " + (count === 1 ? "one path" : count + " paths") +
        " from " + node.name + " to " + root + ", of the product of the local derivatives along it:");
      if (count > PATHS_LISTED) {
        html("p", {}, box, count + " paths: too many to list. Highlighted: every edge on one of them.");
        html("p", {}, box, "Their sum is the backward pass's grad, " + compact(this.finalGrad(i)) + ".");
        return;
      }
      const list = html("ol", {}, box);
      let total = 0;
      for (const p of this.paths(i, PATHS_LISTED)) {
        total += p.product;
        html("li", {}, list, p.nodes.map((t) => names[t]).join(" → ") + ":  " +
          (p.locals.length ? p.locals.map(compact).join(" × ") + " = " : "") + compact(p.product));
      }
      html("p", {}, box, "sum " + compact(total) + "; the backward pass gives " + compact(this.finalGrad(i)));
    }

    editor(editor, i) {
      const node = this.nodes[i];
      html("label", {}, editor, "change " + node.name + " ");
      const field = html("input", { type: "number", step: "any", value: String(node.data), "aria-label": "value of " + node.name }, editor);
      const span = Math.max(1, Math.abs(node.data)) * 2;
      const range = html("input", { type: "range", min: String(node.data - span), max: String(node.data + span),
        step: String(span / 100), value: String(node.data), "aria-label": "slide " + node.name }, editor);
      const set = (value, source) => {
        if (!Number.isFinite(value)) return;
        try {
          this.setLeaf(node.name, value, true);
          if (source !== field) field.value = String(value);
        } catch (error) {
          this.say(error.message);
        }
      };
      field.addEventListener("change", () => set(Number(field.value), field));
      range.addEventListener("input", () => set(Number(range.value), range));
    }

    finalGrad(i) {
      const r = this.received[i];
      return i === this.nodes.length - 1 ? 1 : r.length ? r[r.length - 1].total : 0;
    }

    legend(panel) {
      const forward = [["computed", "value computed"], ["current", "this step"], ["pending", "not computed yet"]];
      const backward = [["final", "grad final"], ["current", "passing its grad on"], ["partial", "sum so far"], ["unreached", "nothing yet"]];
      [["forward", forward], ["backward", backward]].forEach(([title, keys]) => {
        const row = html("div", { class: "cr-legend" }, panel);
        html("span", {}, row, title + ": ");
        keys.forEach(([cls, text]) => html("span", { class: "cr-key cr-" + cls }, row, text));
      });
    }

    say(message) {
      this.message = message;
      this.messageBox.textContent = message;
      this.messageBox.style.display = message ? "block" : "none";
    }

    // --- actions ----------------------------------------------------------------------------

    go(k) {
      const last = this.stepList.length - 1;
      this.current = Math.max(0, Math.min(last, Math.round(Number(k)) || 0));
      if (this.current === last && this.playing) this.play();
      this.render();
      return this.current;
    }

    play() {
      if (this.playing) {
        clearInterval(this.playing);
        this.playing = null;
        this.playButton.textContent = "▶ play";
        return;
      }
      if (this.current === this.stepList.length - 1) this.go(0);
      this.playButton.textContent = "■ pause";
      this.playing = setInterval(() => this.go(this.current + 1), Math.max(120, 900 - 3 * this.nodes.length));
    }

    select(i) {
      this.selected = this.selected === i ? null : i;
      this.render();
    }

    setLeaf(name, value, fromPage) {
      const i = this.index(name), node = this.nodes[i];
      if (node.op) throw new Error(name + " is not a leaf: it is computed by " + opText(node) + "; set one of the leaves it comes from");
      if (typeof value !== "number") throw new TypeError("setLeaf takes a number; got " + typeof value);
      const before = this.nodes.map((x) => [x.data, x.local]);
      try {
        this.recompute(new Map([[i, value]]));
      } catch (error) {
        this.nodes.forEach((x, t) => { x.data = before[t][0]; x.local = before[t][1]; });
        this.backward();
        this.say(name + " = " + value + ": " + error.message + "; the graph keeps " + name + " = " + before[i][0]);
        this.render();
        throw error;
      }
      this.say("");
      this.render(fromPage);
      return this.node(name);
    }

    typed(expression, valuesText) {
      // A graph from a typed expression; a name without a value takes a same-named leaf's.
      try {
        const values = {};
        this.nodes.forEach((x) => { if (!x.op && x.label) values[x.label] = x.data; });
        Object.assign(values, parseValues(valuesText));
        const record = recordOf(parseExpression(expression, values));
        const drawn = drawing(record)[0].size;
        if (drawn > this.limit) throw new ExpressionError("the graph has " + drawn + " things to draw; the explorer draws at most " + this.limit);
        this.say("");
        this.load(record, null);
        return true;
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        this.say(error.message);
        return false;
      }
    }

    index(name) {
      if (!this.byName.has(name)) {
        const some = this.nodes.slice(0, 6).map((x) => x.name).join(", ");
        throw new Error("no node is named " + JSON.stringify(name) + "; the names are " + some + (this.nodes.length > 6 ? ", ..." : "") + " (see names())");
      }
      return this.byName.get(name);
    }

    node(name) {
      const i = this.index(name), st = this.state(i), node = this.nodes[i];
      return { name: node.name, label: node.label, op: node.op, data: st.data, grad: st.grad,
        status: st.status, local: node.local.slice(),
        terms: st.terms.map((r) => r.amount) };
    }
  }

  function api(explorer) {
    // window.explorer: what tests and teachers script. Names are draw_text's names.
    return {
      steps: () => explorer.stepList.length,
      go: (k) => explorer.go(k),
      step: () => explorer.current,
      node: (name) => explorer.node(name),
      names: () => explorer.nodes.map((x) => x.name),
      setLeaf: (name, value) => explorer.setLeaf(name, value),
      paths: (name) => {
        const i = explorer.index(name), count = explorer.pathCount(i);
        if (count > PATHS_RETURNED) throw new Error(name + " has " + count + " paths to the root, more than paths() lists (" + PATHS_RETURNED + ")");
        return explorer.paths(i, Infinity).map((p) => ({ nodes: p.nodes.map((t) => explorer.nodes[t].name), product: p.product }));
      },
      pathCount: (name) => explorer.pathCount(explorer.index(name)),
      select: (name) => explorer.select(name === null ? null : explorer.index(name)),
      expression: (text, values) => explorer.typed(text, values || ""),
      message: () => explorer.message,
      ops: () => Object.keys(OPS),
      evaluate: (opName, inputs) => {  // one op on numbers: [value, derivatives], for the tests
        const out = OPS[opName].value(...inputs);
        return [out, OPS[opName].derivatives(out, ...inputs)];
      },
    };
  }

  window.ChainruleExplorer = {
    mount: function (root, data) {
      const explorer = new Explorer(root, data);
      root.explorer = api(explorer);
      window.explorer = root.explorer;
      return root.explorer;
    },
    OPS: OPS,
  };
})();
