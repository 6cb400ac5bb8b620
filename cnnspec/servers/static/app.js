// cnnspec playground: plain JS, no build step, no network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
const source = $("source"), highlight = $("highlight"), tooltip = $("tooltip");
const token = new URLSearchParams(location.search).get("token");
const EXAMPLE = 'name "Model 3"\ninput 28x28x1\n\nconv 7x7x16 | pool 2\nconv 5x5x32 | pool 2\ndense 256 sigmoid | dense 128 sigmoid\ndense 10\n';
let language = { keywords: [], activations: [], paddings: ["same", "valid"] };
let messages = [], rows = [], sequence = 0, painted = 0, diagramTimer = null, explainTimer = null;
let drawn = 0, explained = 0; // the newest diagram and explain requests: older answers are dropped
let curves = [];

function api(path, method = "GET", body = undefined) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["X-Cnnspec-Token"] = token;
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then(async (response) => {
      const data = await response.json().catch(() => ({ error: response.statusText }));
      if (!response.ok) throw new Error(data.error || response.statusText);
      return data;
    });
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function tokenClass(word) {
  if (language.keywords.includes(word)) return "kw";
  if (language.paddings.includes(word) || (language.switches || []).includes(word) || /^[sgm]-?\d/.test(word)) return "opt";
  if (language.activations.includes(word)) return "act";
  if (/^-?[\d.]/.test(word)) return "num";
  return "";
}

// Each character gets a token class and an underline class; runs of equal pairs become spans.
function highlightLine(line, number) {
  const classes = new Array(line.length).fill("");
  const pattern = /#.*$|"[^"]*"?|[^\s|#"]+/g;
  let match;
  while ((match = pattern.exec(line)) !== null) {
    const word = match[0];
    const cls = word[0] === "#" ? "com" : word[0] === '"' ? "str" : tokenClass(word);
    for (let i = match.index; i < match.index + word.length; i++) classes[i] = cls;
  }
  const marks = new Array(line.length + 1).fill("");
  for (const m of messages) {
    if (m.line !== number) continue;
    const end = Math.max(m.end, m.column + 1);
    for (let i = m.column - 1; i < end - 1 && i <= line.length; i++) {
      if (marks[i] !== "error") marks[i] = m.severity === "error" ? "error" : "warning";
    }
  }
  let out = "", run = "", key = null;
  const flush = () => {
    if (run === "") return;
    out += key === "|" ? escapeHtml(run) : `<span class="${key.replace("|", " ").trim()}">${escapeHtml(run)}</span>`;
    run = "";
  };
  const padded = line.length < marks.length && marks[line.length] ? line + " " : line;
  for (let i = 0; i < padded.length; i++) {
    const k = `${classes[i] || ""}|${marks[i] || ""}`;
    if (k !== key) { flush(); key = k; }
    run += padded[i];
  }
  flush();
  return out;
}

function paintSource() {
  const lines = source.value.split("\n");
  highlight.innerHTML = lines.map((line, i) => highlightLine(line, i + 1)).join("\n") + "\n";
  highlight.scrollTop = source.scrollTop;
  highlight.scrollLeft = source.scrollLeft;
}

function paintMessages() {
  const list = $("messages");
  list.innerHTML = "";
  for (const m of messages) {
    const item = document.createElement("li");
    item.className = m.severity;
    item.textContent = `${m.line}:${m.column}: ${m.severity}: ${m.message}${m.code ? ` [${m.code}]` : ""}`;
    item.onclick = () => moveCursor(m.line, m.column);
    list.appendChild(item);
  }
}

function shapeText(shape) { return shape.join("x"); }
function number(n) { return n.toLocaleString("en-US"); }
function bytesText(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function paintTable(summary) {
  const body = $("table").querySelector("tbody");
  if (!summary.valid) {
    $("totals").textContent = messages.length ? "fix the errors to see the table" : "";
    $("table").classList.add("stale");
    return;
  }
  $("table").classList.remove("stale");
  rows = summary.rows;
  // One string, one innerHTML: a 200-layer table paints in one go, not 1,200 DOM calls.
  body.innerHTML = rows.map((row, index) => {
    const from = row.inputs ? ` ← ${row.inputs.join(", ")}` : "";
    const cells = [row.line, `${row.name} (${row.type})${from}`, shapeText(row.output_shape), number(row.params),
                   number(row.macs), row.receptive_field ? shapeText(row.receptive_field) : ""];
    return `<tr data-line="${row.line}" data-index="${index}">${cells.map((c) => `<td>${escapeHtml(String(c))}</td>`).join("")}</tr>`;
  }).join("");
  $("totals").textContent = `${summary.name}: input ${shapeText(summary.input_shape)}, ${rows.length} layers, ` +
    `${number(summary.total_params)} params (${number(summary.trainable_params)} trainable), ${number(summary.total_macs)} MACs`;
  const memory = summary.training_memory;
  $("memory").textContent = `training memory, batch ${memory.batch} with ${memory.optimizer}: about ${bytesText(memory.total_bytes)}`;
  markCurrentRow();
}

$("table").querySelector("tbody").addEventListener("click", (event) => {
  const tr = event.target.closest("tr");
  const row = tr && rows[Number(tr.dataset.index)];
  if (row) moveCursor(row.line, row.column);
});

function cursorPosition() {
  const before = source.value.slice(0, source.selectionStart).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function moveCursor(line, column) {
  const lines = source.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  source.focus();
  source.setSelectionRange(offset + column - 1, offset + column - 1);
  cursorMoved();
}

function markCurrentRow() {
  const { line } = cursorPosition();
  for (const tr of $("table").querySelectorAll("tbody tr")) tr.classList.toggle("current", Number(tr.dataset.line) === line);
}

function cursorMoved() {
  markCurrentRow();
  clearTimeout(explainTimer);
  explainTimer = setTimeout(() => {
    const { line, column } = cursorPosition();
    const mine = ++explained;
    api("api/explain", "POST", { text: source.value, line, column })
      .then((data) => { if (mine === explained) $("explain").textContent = data.text || ""; })
      .catch(() => {});
  }, 80);
}

function changed() {
  paintSource();
  const mine = ++sequence;
  api("api/analyze", "POST", { text: source.value }).then((summary) => {
    if (mine < painted) return; // an older answer arriving late
    painted = mine;
    messages = summary.messages;
    paintSource();
    paintMessages();
    paintTable(summary);
    document.body.dataset.analyzed = String(mine);
    $("train").disabled = !summary.valid || $("stop").disabled === false;
  }).catch((error) => status(error.message));
  clearTimeout(diagramTimer);
  diagramTimer = setTimeout(() => {
    const mine = ++drawn;
    api("api/diagram", "POST", { text: source.value }).then((data) => {
      if (data.svg && mine === drawn) $("diagram").innerHTML = data.svg.replace(/^<\?xml[^>]*>\s*/, "");
    }).catch(() => {});
  }, 150);
  cursorMoved();
}

function status(text) { $("status").textContent = text; }

// Hover: the textarea lies over the highlighted text, so find the character under the mouse.
const measure = document.createElement("span");
measure.style.cssText = "position:absolute;visibility:hidden;white-space:pre;font:14px/20px ui-monospace, 'DejaVu Sans Mono', monospace";
measure.textContent = "0".repeat(100);
document.body.appendChild(measure);

source.addEventListener("mousemove", (event) => {
  const box = source.getBoundingClientRect();
  const charWidth = measure.getBoundingClientRect().width / 100;
  const line = Math.floor((event.clientY - box.top + source.scrollTop - 8) / 20) + 1;
  const column = Math.floor((event.clientX - box.left + source.scrollLeft - 8) / charWidth) + 1;
  const found = messages.filter((m) => m.line === line && column >= m.column && column < Math.max(m.end, m.column + 1));
  if (!found.length) { tooltip.hidden = true; return; }
  tooltip.textContent = found.map((m) => `${m.severity}: ${m.message}`).join("\n");
  tooltip.style.left = `${event.clientX - box.left + 12}px`;
  tooltip.style.top = `${event.clientY - box.top + 16}px`;
  tooltip.hidden = false;
});
source.addEventListener("mouseleave", () => { tooltip.hidden = true; });
source.addEventListener("input", changed);
source.addEventListener("scroll", () => { highlight.scrollTop = source.scrollTop; highlight.scrollLeft = source.scrollLeft; });
for (const name of ["keyup", "click"]) source.addEventListener(name, cursorMoved);
source.addEventListener("keydown", (event) => {
  if (event.key === "Tab") { // two spaces, not leaving the editor
    event.preventDefault();
    document.execCommand("insertText", false, "  ");
  }
});

// Files of the served folder.
function loadFiles() {
  api("api/files").then((data) => {
    const select = $("files");
    select.length = 1;
    for (const file of data.files) select.add(new Option(file, file));
  }).catch((error) => status(error.message));
}
$("files").onchange = () => {
  const path = $("files").value;
  if (!path) return;
  api(`api/file?path=${encodeURIComponent(path)}`).then((data) => {
    source.value = data.text;
    $("path").value = data.path;
    status(`opened ${data.path}`);
    changed();
  }).catch((error) => status(error.message));
};
$("save").onclick = () => {
  const path = $("path").value.trim();
  if (!path) { status("give a path inside the served folder to save to"); return; }
  api("api/file", "PUT", { path, text: source.value })
    .then((data) => { status(`saved ${data.path}`); loadFiles(); })
    .catch((error) => status(`not saved: ${error.message}`));
};

// Share: the spec travels in the fragment, which browsers never send to a server.
function encodeSpec(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function decodeSpec(code) {
  const binary = atob(code.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
$("share").onclick = () => {
  history.replaceState(null, "", `#spec=${encodeSpec(source.value)}`);
  const link = location.href.replace(/([?&])token=[^&#]*&?/, "$1").replace(/\?#/, "#");
  navigator.clipboard?.writeText(link).catch(() => {});
  status(`link copied: ${link.length} characters`);
};

// Training: one at a time per server, epochs streamed as server-sent events.
function drawCurves() {
  const canvas = $("curves"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (!curves.length) return;
  const series = [["loss", "#1f5fbf"], ["val_loss", "#d2691e"]];
  const values = curves.flatMap((e) => series.map(([k]) => e[k]).filter((v) => v !== null && isFinite(v)));
  const high = Math.max(...values), low = Math.min(...values), margin = (high - low) * 0.1 || high * 0.05 || 1;
  const top = high + margin, bottom = Math.max(0, low - margin);
  const epochs = Math.max(curves[curves.length - 1].epochs, curves.length);
  const x = (epoch) => 30 + (canvas.width - 40) * (epochs > 1 ? (epoch - 1) / (epochs - 1) : 0.5);
  const y = (v) => canvas.height - 20 - (canvas.height - 30) * ((v - bottom) / (top - bottom));
  g.fillStyle = "#555"; g.font = "11px sans-serif";
  g.fillText(top.toFixed(3), 2, 12); g.fillText(bottom.toFixed(3), 2, canvas.height - 22); g.fillText(`epochs 1-${epochs}`, 30, canvas.height - 4);
  for (const [key, colour] of series) {
    g.strokeStyle = g.fillStyle = colour; g.beginPath();
    curves.forEach((e, i) => { if (e[key] !== null) { i ? g.lineTo(x(e.epoch), y(e[key])) : g.moveTo(x(e.epoch), y(e[key])); } });
    g.stroke();
    curves.forEach((e) => { if (e[key] !== null) g.fillRect(x(e.epoch) - 2, y(e[key]) - 2, 4, 4); });
    g.fillText(key, canvas.width - 60, key === "loss" ? 12 : 26);
  }
}

let following = null;
function follow() {
  if (following) following.close();
  const events = following = new EventSource(`api/train/events${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "log") {
      $("log").textContent += event.line + "\n";
      $("log").scrollTop = $("log").scrollHeight;
    } else if (event.type === "epoch") {
      curves = curves.filter((e) => e.epoch < event.epoch).concat([event]);
      drawCurves();
      document.body.dataset.epochs = String(curves.length);
    } else if (event.type === "state") {
      const running = event.state === "running" || event.state === "stopping";
      $("stop").disabled = !running;
      $("train").disabled = running;
      $("resume").disabled = running || event.state !== "stopped";
      status(`training ${event.state}${event.run_dir ? ` (${event.run_dir})` : ""}${event.message ? `: ${event.message}` : ""}`);
      document.body.dataset.training = event.state;
      if (!running) events.close();
    }
  };
  // On a dropped stream the browser reconnects by itself, sending the last event's id, and
  // the server goes on from there (a 204 once the training is over ends the retries).
}

$("train").onclick = () => {
  const limit = $("limit").value ? Number($("limit").value) : null;
  const path = $("path").value.trim() || undefined;
  curves = []; drawCurves(); $("log").textContent = "";
  api("api/train", "POST", { text: source.value, epochs: Number($("epochs").value), limit, path })
    .then(() => { $("train").disabled = true; $("stop").disabled = false; follow(); })
    .catch((error) => status(error.message));
};
$("stop").onclick = () => api("api/train/stop", "POST", {}).then(() => status("stopping: the finished epochs stay, resumable…")).catch((e) => status(e.message));
$("resume").onclick = () => {
  api("api/train/resume", "POST", { epochs: Number($("epochs").value) })
    .then(() => { $("resume").disabled = true; $("stop").disabled = false; $("train").disabled = true; follow(); })
    .catch((error) => status(error.message));
};

api("api/language").then((data) => { language = data; paintSource(); }).catch(() => {});
const shared = location.hash.match(/^#spec=([A-Za-z0-9_-]*)$/);
try { source.value = shared ? decodeSpec(shared[1]) : EXAMPLE; } catch { source.value = EXAMPLE; status("the link's spec could not be read"); }
loadFiles();
changed();
follow(); // a training this server ran or runs: its epochs so far, then live (none: a 404, ignored)
