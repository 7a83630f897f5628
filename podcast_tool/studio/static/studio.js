// The studio page: waveform, markers and chapter list over the session's JSON API.
// Every text from the outline is set with textContent or an input's value, never as HTML.
import WaveSurfer from "/static/vendor/wavesurfer.esm.js";
import RegionsPlugin from "/static/vendor/regions.esm.js";
import TimelinePlugin from "/static/vendor/timeline.esm.js";
import ZoomPlugin from "/static/vendor/zoom.esm.js";

const PLAY_BEFORE_S = 3;
const PLAY_AFTER_S = 5;
const NUDGE_MS = 100;
const BIG_NUDGE_MS = 1000;
const RESOLUTION_MS = 100;
const PEAKS_POLL_MS = 250;
const REDRAW_MS = 500;
const COLORS = { start: "rgba(11, 92, 173, 0.9)", end: "rgba(124, 58, 237, 0.8)",
                 gap: "rgba(100, 116, 139, 0.18)", ghost: "rgba(217, 119, 6, 0.75)" };

const $ = (selector) => document.querySelector(selector);
const state = { chapters: [], times: [], diagnostics: [], revision: 0, strings: {}, notation: "clock",
                duration: 0, selected: null, suggestions: [], undo: [], stopAt: null, canSave: true };
let wavesurfer = null;
let regions = null;
let checkTimer = null;
let checkSerial = 0;

function text(key) {
  return state.strings[key] || key;
}

function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child);
  return node;
}

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (error) { data = { error: response.statusText }; }
  return { ok: response.ok, status: response.status, data };
}

function setStatus(message, isError = false) {
  const status = $("#status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

// ------------------------------------------------------------------ times

function formatTime(ms) {
  // Shown only until the server's rendering (in the outline's own notation) comes back.
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3600000);
  const minutes = Math.floor(total / 60000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  const rest = total % 1000;
  const pad = (n) => String(n).padStart(2, "0");
  const fraction = rest ? "," + String(rest).padStart(3, "0").replace(/0+$/, "") : "";
  if (state.notation === "fr") {
    return (hours ? `${hours}'${pad(minutes)}''${pad(seconds)}` : `${minutes}'${pad(seconds)}`) + fraction;
  }
  const clock = hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
  return clock + (rest ? "." + String(rest).padStart(3, "0") : "");
}

function decimal(value, digits) {
  const written = value.toFixed(digits);
  return state.language === "fr" ? written.replace(".", ",") : written;
}

function confidenceText(suggestion) {
  return `${decimal(suggestion.confidence, 2)} ${text("confidence_" + suggestion.confidence_label)}`;
}

function clockText(seconds) {
  return formatTime(Math.floor(seconds * 10) * 100).replace(/[.,]\d+$/, (m) => m.slice(0, 2));
}

function roundMs(ms) {
  return Math.max(0, Math.min(state.duration, Math.round(ms / RESOLUTION_MS) * RESOLUTION_MS));
}

// ------------------------------------------------------------------ edits and undo

function snapshot() {
  return JSON.stringify(state.chapters);
}

function change(mutate, { redrawList = true } = {}) {
  state.undo.push(snapshot());
  if (state.undo.length > 500) state.undo.shift();
  mutate();
  $("#undo").disabled = false;
  afterChange(redrawList);
}

function undo() {
  const previous = state.undo.pop();
  if (previous === undefined) return;
  state.chapters = JSON.parse(previous);
  $("#undo").disabled = state.undo.length === 0;
  afterChange(true);
}

function afterChange(redrawList) {
  state.times = state.chapters.map((c) => ({ start: formatTime(c.start_ms),
                                             end: c.end_ms === null ? "" : formatTime(c.end_ms) }));
  if (redrawList) renderList();
  renderRegions();
  scheduleCheck();
}

function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, 120);
}

async function runCheck() {
  const serial = ++checkSerial;
  const result = await api("/api/check", { chapters: state.chapters });
  if (serial !== checkSerial) return;
  if (!result.ok) { setStatus(result.data.error, true); return; }
  applyCheck(result.data);
}

function applyCheck(data) {
  state.diagnostics = data.diagnostics;
  state.times = data.times;
  state.canSave = data.can_save;
  document.querySelectorAll("tr.chapter").forEach((row, index) => {
    for (const field of ["start", "end"]) {
      const input = row.querySelector(`input.${field}`);
      if (input && document.activeElement !== input && state.times[index]) {
        input.value = state.times[index][field];
        input.classList.remove("bad");
      }
    }
  });
  renderDiagnostics();
  $("#save").disabled = !state.canSave;
  $("#save").title = state.canSave ? "" : text("has_errors");
}

// ------------------------------------------------------------------ the chapter list

function renderList() {
  const body = $("#chapters tbody");
  body.replaceChildren();
  state.chapters.forEach((chapter, index) => {
    const times = state.times[index] || { start: formatTime(chapter.start_ms), end: "" };
    const row = element("tr", { class: "chapter", dataset: { index: String(index) } }, [
      element("td", { class: "time" }, [timeInput("start", times.start, index)]),
      element("td", { class: "end" }, [timeInput("end", times.end, index)]),
      element("td", {}, [textInput("title", chapter.title, index)]),
      element("td", {}, [textInput("description", chapter.description, index)]),
      element("td", { class: "buttons" }, [
        element("button", { type: "button", class: "play-around", text: "▶", title: text("play_around_help"),
                            ariaLabel: text("play_around"), onclick: () => playAround(index) }),
        element("button", { type: "button", class: "add", text: "+", title: text("add"),
                            ariaLabel: text("add"), onclick: () => addChapter(index) }),
        element("button", { type: "button", class: "delete", text: "✕", title: text("delete"),
                            ariaLabel: text("delete"), onclick: () => deleteChapter(index) }),
      ]),
    ]);
    row.addEventListener("click", (event) => {
      if (event.target.closest("button")) return;
      select(index, !event.target.matches("input.title, input.description"));
    });
    if (index === state.selected) row.classList.add("selected");
    const notes = element("tr", { class: "notes", dataset: { index: String(index) } }, [
      element("td", { colSpan: 5 }, [element("ul", { class: "diagnostics" })]),
    ]);
    body.append(row, notes);
  });
  renderDiagnostics();
}

function timeInput(field, value, index) {
  const input = element("input", { type: "text", class: field, value, spellcheck: false,
                                   ariaLabel: text(field === "start" ? "time" : "end") });
  input.addEventListener("change", async () => {
    const written = input.value.trim();
    if (field === "end" && written === "") {
      change(() => { state.chapters[index].end_ms = null; }, { redrawList: false });
      return;
    }
    const result = await api("/api/time", { text: written });
    if (!result.ok || result.data.ms === null) {
      input.classList.add("bad");
      setStatus(`${text("bad_time")}: ${written}`, true);
      return;
    }
    input.classList.remove("bad");
    setStatus("");
    change(() => { state.chapters[index][field + "_ms"] = result.data.ms; }, { redrawList: false });
  });
  return input;
}

function textInput(field, value, index) {
  const input = element("input", { type: "text", class: field, value, ariaLabel: text(field) });
  input.addEventListener("change", () => {
    change(() => { state.chapters[index][field] = input.value; }, { redrawList: false });
  });
  return input;
}

function renderDiagnostics() {
  const general = $("#general-diagnostics");
  general.replaceChildren();
  document.querySelectorAll("tr.notes ul").forEach((list) => list.replaceChildren());
  for (const diagnostic of state.diagnostics) {
    const item = element("li", { class: `diagnostic ${diagnostic.severity}` }, [
      element("span", { text: `${text(diagnostic.severity)} ${diagnostic.message}` }),
    ]);
    if (diagnostic.hint) item.append(element("span", { class: "hint", text: ` — ${diagnostic.hint}` }));
    const list = diagnostic.chapter === null ? null
      : document.querySelector(`tr.notes[data-index="${diagnostic.chapter}"] ul`);
    (list || general).append(item);
  }
}

function select(index, seek = true) {
  state.selected = index;
  document.querySelectorAll("tr.chapter").forEach((row) => {
    row.classList.toggle("selected", Number(row.dataset.index) === index);
  });
  if (seek && state.chapters[index]) seekTo(state.chapters[index].start_ms / 1000);
}

function addChapter(index) {
  const chapter = state.chapters[index];
  const next = state.chapters[index + 1];
  const end = next ? next.start_ms : state.duration;
  const current = Math.round(player().currentTime * 1000);
  const start = current > chapter.start_ms && current < end ? roundMs(current)
    : roundMs(chapter.start_ms + (end - chapter.start_ms) / 2);
  change(() => {
    state.chapters.splice(index + 1, 0, { origin: null, start_ms: start, end_ms: null,
                                          title: text("untitled"), description: "" });
  });
  select(index + 1, false);
  const input = document.querySelector(`tr.chapter[data-index="${index + 1}"] input.title`);
  if (input) { input.focus(); input.select(); }
}

function deleteChapter(index) {
  change(() => { state.chapters.splice(index, 1); });
  state.selected = null;
}

// ------------------------------------------------------------------ player

function player() {
  return $("#player");
}

function seekTo(seconds) {
  const audio = player();
  audio.currentTime = Math.max(0, Math.min(seconds, state.duration / 1000));
  updateClock();
}

function updateClock() {
  $("#clock").textContent = clockText(player().currentTime);
}

function playAround(index) {
  select(index, false);
  const start = state.chapters[index].start_ms / 1000;
  seekTo(start - PLAY_BEFORE_S);
  state.stopAt = Math.min(start + PLAY_AFTER_S, state.duration / 1000);
  player().play().catch(() => {});
}

function togglePlay() {
  const audio = player();
  state.stopAt = null;
  if (audio.paused) audio.play().catch(() => {}); else audio.pause();
}

function boundaries() {
  const found = new Set();
  for (const c of state.chapters) {
    found.add(c.start_ms);
    if (c.end_ms !== null) found.add(c.end_ms);
  }
  return [...found].sort((a, b) => a - b);
}

function jumpBoundary(direction) {
  const now = Math.round(player().currentTime * 1000);
  const all = boundaries();
  const target = direction > 0 ? all.find((ms) => ms > now + 50)
    : [...all].reverse().find((ms) => ms < now - 50);
  if (target === undefined) return;
  const index = state.chapters.findIndex((c) => c.start_ms === target);
  if (index >= 0) select(index, false);
  seekTo(target / 1000);
}

function nudge(deltaMs) {
  const index = state.selected;
  if (index === null || !state.chapters[index]) return;
  const chapter = state.chapters[index];
  const old = chapter.start_ms;
  const moved = roundMs(old + deltaMs);
  change(() => {
    chapter.start_ms = moved;
    const previous = state.chapters[index - 1];
    if (previous && previous.end_ms === old) previous.end_ms = moved;
  });
  seekTo(moved / 1000);
}

// ------------------------------------------------------------------ waveform and markers

function label(title, color, offsetEm = 0) {
  const node = document.createElement("div");
  node.textContent = title;
  Object.assign(node.style, { position: "absolute", left: "3px", top: `${offsetEm}em`,
                              fontSize: "11px", color, background: "rgba(255,255,255,0.85)",
                              padding: "0 3px", whiteSpace: "nowrap", maxWidth: "180px",
                              overflow: "hidden", textOverflow: "ellipsis", pointerEvents: "none" });
  return node;
}

function renderRegions() {
  if (!regions) return;
  regions.clearRegions();
  state.chapters.forEach((chapter, index) => {
    const ends = index + 1 < state.chapters.length ? state.chapters[index + 1].start_ms : state.duration;
    regions.addRegion({ id: `start-${index}`, start: chapter.start_ms / 1000, color: COLORS.start,
                        drag: true, resize: false, content: label(chapter.title, "#0b3d75") });
    if (chapter.end_ms !== null && chapter.end_ms < ends) {
      regions.addRegion({ id: `end-${index}`, start: chapter.end_ms / 1000, color: COLORS.end,
                          drag: true, resize: false, content: label("⟧", "#5b21b6") });
      regions.addRegion({ id: `gap-${index}`, start: chapter.end_ms / 1000, end: ends / 1000,
                          color: COLORS.gap, drag: false, resize: false });
    }
  });
  state.suggestions.forEach((suggestion, index) => {
    regions.addRegion({ id: `ghost-${index}`, start: suggestion.snapped_ms / 1000, color: COLORS.ghost,
                        drag: false, resize: false,
                        content: label(confidenceText(suggestion), "#b45309", 1.6) });
  });
}

function onRegionUpdated(region) {
  const [kind, number] = region.id.split("-");
  const index = Number(number);
  const chapter = state.chapters[index];
  if (!chapter || (kind !== "start" && kind !== "end")) return;
  const moved = roundMs(region.start * 1000);
  change(() => {
    if (kind === "start") {
      const old = chapter.start_ms;
      chapter.start_ms = moved;
      const previous = state.chapters[index - 1];
      if (previous && previous.end_ms === old) previous.end_ms = moved;
    } else {
      chapter.end_ms = moved;
    }
  });
  select(index, false);
}

function onRegionClicked(region, event) {
  event.stopPropagation();
  const [kind, number] = region.id.split("-");
  if (kind === "start") select(Number(number), false);
  seekTo(region.start);
}

function createWaveform() {
  const seconds = state.duration / 1000;
  regions = RegionsPlugin.create();
  wavesurfer = WaveSurfer.create({
    container: "#waveform", media: player(), height: 140, waveColor: "#94a3b8",
    progressColor: "#0b5cad", cursorColor: "#111827", barWidth: 2, barGap: 1, normalize: true,
    peaks: [new Float32Array(1)], duration: seconds, dragToSeek: true,
    cspNonce: document.querySelector('meta[name="style-nonce"]').content,
    plugins: [regions, TimelinePlugin.create({ height: 18 }), ZoomPlugin.create({ scale: 0.3, maxZoom: 300 })],
  });
  regions.on("region-updated", onRegionUpdated);
  regions.on("region-clicked", onRegionClicked);
  wavesurfer.on("zoom", (pxPerSec) => { $("#zoom").value = String(Math.round(pxPerSec)); });
  renderRegions();
}

async function loadPeaks() {
  const expected = Math.max(1, Math.ceil(state.duration / 1000 * state.peaksPerSecond));
  let peaks = new Float32Array(expected);
  let received = 0;
  let lastDraw = 0;
  for (;;) {
    const response = await fetch(`/api/peaks?start=${received}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (received + bytes.length > peaks.length) {
      const grown = new Float32Array(received + bytes.length);
      grown.set(peaks);
      peaks = grown;
    }
    for (let i = 0; i < bytes.length; i++) peaks[received + i] = bytes[i] / 255;
    received += bytes.length;
    const done = response.headers.get("x-peaks-done") === "1";
    const error = response.headers.get("x-peaks-error");
    if (done || Date.now() - lastDraw > REDRAW_MS) {
      const shown = done ? peaks.subarray(0, Math.max(1, received)) : peaks;
      wavesurfer.setOptions({ peaks: [shown], duration: state.duration / 1000 });
      wavesurfer.getRenderer().render(wavesurfer.getDecodedData());
      lastDraw = Date.now();
      renderRegions();
    }
    if (error) { $("#waveform-state").textContent = error; return; }
    if (done) {
      $("#waveform-state").textContent = text("waveform_ready");
      document.body.dataset.waveform = "ready";
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, PEAKS_POLL_MS));
  }
}

// ------------------------------------------------------------------ snap suggestions

async function suggest() {
  setStatus(text("snapping"));
  $("#suggest").disabled = true;
  const result = await api("/api/suggest", { chapters: state.chapters });
  $("#suggest").disabled = false;
  if (!result.ok) { setStatus(result.data.error, true); return; }
  state.suggestions = result.data.suggestions;
  setStatus(state.suggestions.length ? "" : text("no_suggestions"));
  renderSuggestions();
  renderRegions();
}

function renderSuggestions() {
  const list = $("#suggestions");
  list.replaceChildren();
  $("#suggestions-panel").hidden = state.suggestions.length === 0;
  $("#accept-high").hidden = !state.suggestions.some((s) => s.confidence_label === "high");
  state.suggestions.forEach((suggestion, index) => {
    const shift = (suggestion.shift_ms > 0 ? "+" : "") + decimal(suggestion.shift_ms / 1000, 1);
    list.append(element("li", { class: "suggestion", dataset: { index: String(index) } }, [
      element("span", {}, [
        element("span", { text: `${suggestion.title} · ${formatTime(suggestion.written_ms)} → ` +
                                `${formatTime(suggestion.snapped_ms)} (${shift} s) ` }),
        element("span", { class: `confidence-${suggestion.confidence_label}`,
                          text: `${text("confidence")} ${confidenceText(suggestion)}` }),
      ]),
      element("span", { class: "choices" }, [
        element("button", { type: "button", class: "accept", text: text("accept"),
                            onclick: () => acceptSuggestions([suggestion]) }),
        element("button", { type: "button", class: "reject", text: text("reject"),
                            onclick: () => dropSuggestions([suggestion]) }),
      ]),
    ]));
  });
}

function acceptSuggestions(accepted) {
  change(() => {
    for (const suggestion of accepted) {
      for (const chapter of state.chapters) {
        if (chapter.start_ms === suggestion.written_ms) chapter.start_ms = suggestion.snapped_ms;
        if (chapter.end_ms === suggestion.written_ms) chapter.end_ms = suggestion.snapped_ms;
      }
    }
  });
  dropSuggestions(accepted);
}

function dropSuggestions(dropped) {
  state.suggestions = state.suggestions.filter((s) => !dropped.includes(s));
  renderSuggestions();
  renderRegions();
}

// ------------------------------------------------------------------ saving

async function save() {
  setStatus(text("saving"));
  $("#save").disabled = true;
  const result = await api("/api/save", { revision: state.revision, chapters: state.chapters });
  $("#save").disabled = false;
  if (result.ok) {
    applyState(result.data);
    const written = Object.values(result.data.written || {}).join(", ");
    setStatus(`${text("saved")} ${text("written")} ${written}`);
    document.body.dataset.saved = String(result.data.revision);
    return;
  }
  if (result.status === 409) { setStatus(`${text("conflict")} (${result.data.error})`, true); return; }
  if (result.data.diagnostics) {
    state.diagnostics = result.data.diagnostics.map((d) => ({ ...d, chapter: null }));
    renderDiagnostics();
  }
  setStatus(result.data.error || text("has_errors"), true);
}

// ------------------------------------------------------------------ start

function applyState(data) {
  state.chapters = data.chapters;
  state.language = data.language;
  state.revision = data.revision;
  state.notation = data.notation;
  state.duration = data.duration_ms;
  state.peaksPerSecond = data.peaks_per_second;
  state.strings = data.strings;
  state.suggestions = [];
  renderList();
  applyCheck(data);
  renderSuggestions();
  renderRegions();
  $("#episode-title").textContent = data.title;
  document.title = `${data.title} — ${text("page_title")}`;
  const files = [data.audio_name, data.chapters_name].filter(Boolean).join(" · ");
  $("#files").textContent = files;
  const notice = $("#notice");
  if (data.kind === "document") notice.textContent = `${text("saved_beside")} ${data.outline_target}`;
  else if (data.kind === "audio") notice.textContent = text("no_outline");
  notice.hidden = !(data.kind === "document" || data.kind === "audio");
}

function translatePage(language) {
  document.documentElement.lang = language;
  document.querySelectorAll("[data-s]").forEach((node) => { node.textContent = text(node.dataset.s); });
}

function onKey(event) {
  const typing = event.target.closest("input, textarea, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !typing) {
    event.preventDefault();
    undo();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.code === "Space") { event.preventDefault(); togglePlay(); }
  else if (event.code === "KeyJ") jumpBoundary(-1);
  else if (event.code === "KeyK") jumpBoundary(1);
  else if (event.code === "BracketLeft") nudge(event.shiftKey ? -BIG_NUDGE_MS : -NUDGE_MS);
  else if (event.code === "BracketRight") nudge(event.shiftKey ? BIG_NUDGE_MS : NUDGE_MS);
}

async function start() {
  const response = await fetch("/api/state");
  const data = await response.json();
  state.strings = data.strings;
  translatePage(data.language);
  applyState(data);
  state.undo = [];
  $("#undo").disabled = true;
  createWaveform();
  $("#undo").addEventListener("click", undo);
  $("#save").addEventListener("click", save);
  $("#suggest").addEventListener("click", suggest);
  $("#accept-high").addEventListener("click", () => {
    acceptSuggestions(state.suggestions.filter((s) => s.confidence_label === "high"));
  });
  $("#play").addEventListener("click", togglePlay);
  $("#zoom").addEventListener("input", (event) => wavesurfer.zoom(Number(event.target.value)));
  const audio = player();
  audio.addEventListener("timeupdate", () => {
    updateClock();
    if (state.stopAt !== null && audio.currentTime >= state.stopAt) {
      audio.pause();
      state.stopAt = null;
    }
  });
  document.addEventListener("keydown", onKey);
  document.body.dataset.ready = "1";
  loadPeaks();
}

start();
