// ktp-ocr page: send the chosen image to /v1/ktp and show what was read, where, and how sure.
"use strict";

const QUERY = "withRawText=true&withConfidence=true&withPolygon=true&qualities=true&images=true";
const LABELS = {
  provinsi: "Provinsi", kabupaten_kota: "Kabupaten/Kota", nik: "NIK", nama: "Nama",
  tempat_lahir: "Tempat lahir", tanggal_lahir: "Tanggal lahir", jenis_kelamin: "Jenis kelamin",
  golongan_darah: "Gol. darah", alamat: "Alamat", rt_rw: "RT/RW", kelurahan_desa: "Kel/Desa",
  kecamatan: "Kecamatan", agama: "Agama", status_perkawinan: "Status perkawinan", pekerjaan: "Pekerjaan",
  kewarganegaraan: "Kewarganegaraan", berlaku_hingga: "Berlaku hingga", tempat_terbit: "Tempat terbit",
  tanggal_terbit: "Tanggal terbit",
};
const QUALITY_TEXT = {
  is_blurred: "Blurred", is_bright: "Too bright", is_copy: "Photocopy", is_cropped: "Cropped",
  is_dark: "Too dark", is_flash: "Flash glare", is_ktp: "Is a KTP", is_rotated: "Rotated",
  is_taken_from_screen: "Taken from a screen",
};
const LOW = Number(document.querySelector('meta[name="low-confidence"]').content) || 70;
const $ = (id) => document.getElementById(id);
let lastJson = "";
let previewUrl = null;
let lastResult = null;
let reviewSet = new Set(); // the fields the result asks a person to check (none when it says nothing)
// The latest request wins: a newer upload aborts the one in flight, and an answer that is not the newest is dropped.
let inFlight = null;
let requestSeq = 0;
// Screen pixels from a value's box to the middle of the stroke around it: half the widest stroke (app.css), so
// the stroke lies wholly outside the box it marks and as close to it as that allows.
const OUTLINE_GAP_PX = 1.25;

function setStatus(text, isError) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", Boolean(isError));
}

function svgEl(name, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function setPreviewShown(shown) {
  $("photo").hidden = !shown;
  $("no-preview").hidden = shown;
  if (!shown) {
    $("photo").removeAttribute("src");
    $("overlay").replaceChildren();
  }
}

function showPreview(file) {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = null;
  // TIFF has an image/ type but no browser draws it; a file that only claims to be an image fails to load.
  const isImage = file.type.startsWith("image/") && !/tiff?$/.test(file.type);
  setPreviewShown(isImage);
  $("overlay").replaceChildren();
  if (isImage) {
    previewUrl = URL.createObjectURL(file);
    $("photo").src = previewUrl;
  }
}

/** Outward unit normal of the edge a -> b of a polygon wound with sign ``turn`` (+1 or -1). */
function outwardNormal(a, b, turn) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  return [(turn * dy) / len, (-turn * dx) / len];
}

/** The polygon grown by ``d`` on every side (mitred corners), so a stroke drawn on it stays off the value. */
function grow(points, d) {
  const n = points.length;
  const area = points.reduce((sum, p, i) => sum + p[0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * p[1], 0);
  const turn = area >= 0 ? 1 : -1; // y points down: a positive area winds clockwise on screen
  return points.map((p, i) => {
    const prev = outwardNormal(points[(i + n - 1) % n], p, turn);
    const next = outwardNormal(p, points[(i + 1) % n], turn);
    const k = d / Math.max(0.3, 1 + prev[0] * next[0] + prev[1] * next[1]);
    return [p[0] + (prev[0] + next[0]) * k, p[1] + (prev[1] + next[1]) * k];
  });
}

function pointsAttr(points) {
  return points.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(" ");
}

function outline(name, field, gap) {
  const review = reviewSet.has(name);
  const poly = svgEl("polygon", {
    points: pointsAttr(grow(field.polygon, gap)),
    class: review ? "review" : field.confidence < LOW ? "low" : "ok",
    "data-field": name,
  });
  const title = svgEl("title", {});
  title.textContent = `${LABELS[name] || name}: ${field.value} (${Math.round(field.confidence)}%)`;
  poly.append(title);
  return poly;
}

function drawPolygons(result) {
  const svg = $("overlay");
  svg.replaceChildren();
  const img = $("photo");
  if (img.hidden || !img.naturalWidth || !img.clientWidth) return;
  svg.setAttribute("viewBox", `0 0 ${img.naturalWidth} ${img.naturalHeight}`);
  // Image pixels per screen pixel: the gap and the stroke are the same on a phone and a desktop, at any DPR.
  const gap = (OUTLINE_GAP_PX * img.naturalWidth) / img.clientWidth;
  const card = result.card && result.card.polygon;
  if (card) svg.append(svgEl("polygon", { points: pointsAttr(grow(card, gap)), class: "card" }));
  for (const [name, field] of Object.entries(result.fields || {})) {
    if (field.polygon && field.value) svg.append(outline(name, field, gap));
  }
}

/** Highlight one field on the card and in the list (null: none). */
function highlight(name) {
  for (const node of document.querySelectorAll("#overlay polygon.active, #fields tr.active")) {
    node.classList.remove("active");
  }
  if (!name) return;
  const key = CSS.escape(name);
  for (const node of document.querySelectorAll(`#overlay [data-field="${key}"], #fields tr[data-field="${key}"]`)) {
    node.classList.add("active");
  }
}

function fieldOf(event) {
  const node = event.target.closest && event.target.closest("[data-field]");
  return node ? node.getAttribute("data-field") : null;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The fields to review, from whatever the result carries: ``review: true`` on a field, or a list of names (or of
 * ``{field}`` objects) as ``review_fields``, ``fields_to_review``, ``review`` or ``review.fields``. Absent: none.
 */
function reviewNames(result) {
  const names = new Set();
  for (const [name, field] of Object.entries(result.fields || {})) {
    if (field && (field.review === true || (typeof field.review === "string" && field.review))) names.add(name);
  }
  const review = result.review;
  const lists = [result.review_fields, result.fields_to_review, review, review && review.fields];
  for (const list of lists.filter(Array.isArray)) {
    for (const item of list) {
      const name = typeof item === "string" ? item : item && (item.field || item.name);
      if (typeof name === "string") names.add(name);
    }
  }
  return names;
}

/** The result's decision ("accept" / "review"), as a word, or null when it carries none. */
function decisionOf(result) {
  const d = result.decision;
  const word = typeof d === "string" ? d : d && typeof d === "object" ? d.decision || d.status : null;
  return typeof word === "string" && word ? word.toLowerCase() : null;
}

function fillDecision(result) {
  const box = $("decision");
  const word = decisionOf(result);
  box.hidden = !word && !reviewSet.size;
  box.className = word || (reviewSet.size ? "review" : "");
  const names = [...reviewSet].map((n) => LABELS[n] || n);
  const what = names.length ? `${names.length} field(s) to check: ${names.join(", ")}` : "no field to check";
  box.textContent = `Decision: ${word || "review"}; ${what}.`;
}

function fillValue(cell, name, field) {
  cell.className = "value";
  cell.textContent = field.value || "—";
  if (field.raw_text && field.raw_text !== field.value) cell.title = `OCR: ${field.raw_text}`;
  if (reviewSet.has(name)) {
    const flag = el("span", "review-flag", "check");
    flag.title = typeof field.review === "string" ? field.review : "The reader asks a person to check this value.";
    flag.setAttribute("aria-label", `to review: ${flag.title}`);
    cell.append(flag);
  }
  for (const warning of field.warnings || []) cell.append(el("small", "field-warning", warning));
}

/** Why a field is not valid, in words: shown as the flag's tooltip and read by screen readers. */
function invalidReason(field) {
  if (!field.value) return "not valid: not found on the card";
  if (field.warnings && field.warnings.length) return `not valid: ${field.warnings.join("; ")}`;
  return "not valid: the value fails this field's check (its format, a date, or the list of known values)";
}

function fillValid(cell, field) {
  cell.className = "valid";
  if (typeof field.valid !== "boolean") return;
  cell.dataset.valid = String(field.valid);
  cell.title = field.valid ? "valid" : invalidReason(field);
  // The words show where the table has no header row (a phone); screen readers read them, and the reason, anywhere.
  const mark = el("span", "", field.valid ? "✓" : "✗");
  mark.setAttribute("aria-hidden", "true");
  cell.append(mark, el("span", "flag-text", field.valid ? " valid" : " not valid"));
  if (!field.valid) cell.append(el("span", "sr-only", `: ${cell.title.replace(/^not valid: /, "")}`));
}

function fillRow(row, name, field) {
  row.dataset.field = name;
  const conf = typeof field.confidence === "number" ? field.confidence : null;
  if (!field.value) row.classList.add("missing");
  else if (conf !== null && conf < LOW) row.classList.add("low");
  if (reviewSet.has(name)) row.classList.add("review");
  row.insertCell().textContent = LABELS[name] || name;
  fillValue(row.insertCell(), name, field);
  const cell = row.insertCell();
  cell.className = "conf";
  cell.textContent = conf === null || !field.value ? "" : `${Math.round(conf)}%`;
  fillValid(row.insertCell(), field);
}

function fillFields(result) {
  const body = $("fields").tBodies[0];
  body.replaceChildren();
  for (const [name, field] of Object.entries(result.fields || {})) fillRow(body.insertRow(), name, field);
  if (!body.rows.length) body.insertRow().append(Object.assign(el("td", "muted", "Nothing was read."), { colSpan: 4 }));
}

function fillWarnings(result) {
  const list = $("warnings");
  list.replaceChildren();
  for (const warning of result.warnings || []) list.append(el("li", "warning", warning));
  if (!list.children.length) list.append(el("li", "muted", "None."));
}

const NIK_PARTS = [
  ["Province", "province", "province_code"], ["Regency / city", "regency", "regency_code"],
  ["District", "district", "district_code"], ["Birth date", "birth_date"], ["Sex", "gender"], ["Serial", "serial"],
];

function fillNikDetails(result) {
  const box = $("nik-details");
  box.replaceChildren();
  const d = result.nik_details;
  if (!d) {
    box.append(el("p", "muted", "No NIK to decode."));
    return;
  }
  const list = el("dl");
  const add = (term, text, className) => list.append(el("dt", "", term), el("dd", className || "", text));
  add("NIK", d.nik);
  add("Valid", d.valid ? "yes" : "no", d.valid ? "" : "bad");
  for (const [term, key, codeKey] of NIK_PARTS) {
    if (!d[key] && !(codeKey && d[codeKey])) continue;
    add(term, codeKey && d[codeKey] ? `${d[key] || "?"} (${d[codeKey]})` : d[key]);
  }
  for (const error of d.errors || []) add("Problem", error, "bad");
  box.append(list);
}

function fillQualities(result) {
  const list = $("qualities");
  list.replaceChildren();
  const q = result.quality;
  if (!q) {
    list.append(el("li", "muted", "Not assessed."));
    return;
  }
  for (const [key, text] of Object.entries(QUALITY_TEXT)) {
    const li = document.createElement("li");
    const bad = key === "is_ktp" ? !q[key] : q[key];
    li.className = bad ? "bad" : "good";
    const score = q.scores && key in q.scores ? ` (score ${q.scores[key].toFixed(2)})` : "";
    li.textContent = `${bad ? "✗" : "✓"} ${text}: ${q[key] ? "yes" : "no"}${score}`;
    list.append(li);
  }
}

function fillCrops(result) {
  const box = $("crops");
  box.replaceChildren();
  const images = result.images || {};
  for (const [key, label] of [["photo", "Photo"], ["sign", "Signature"]]) {
    if (!images[key]) continue;
    const fig = document.createElement("figure");
    const img = document.createElement("img");
    img.src = `data:image/jpeg;base64,${images[key]}`;
    img.alt = label;
    const cap = document.createElement("figcaption");
    cap.textContent = label;
    fig.append(img, cap);
    box.append(fig);
  }
  if (!box.children.length) box.innerHTML = '<p class="muted">Not provided by the reader.</p>';
}

function render(result) {
  lastResult = result;
  reviewSet = reviewNames(result);
  $("output").hidden = false;
  lastJson = JSON.stringify(result, null, 2);
  $("json").textContent = lastJson;
  fillDecision(result);
  fillFields(result);
  fillWarnings(result);
  fillNikDetails(result);
  fillQualities(result);
  fillCrops(result);
  const img = $("photo");
  if (img.complete) drawPolygons(result);
  else img.onload = () => drawPolygons(result);
}

function requestHeaders() {
  const headers = {};
  const key = $("api-key").value.trim();
  if (key) headers["x-api-key"] = key;
  return headers;
}

/** Send ``file``; a newer upload aborts this one, and an answer that is no longer the newest is not shown. */
async function upload(file) {
  if (!file) return;
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  const seq = ++requestSeq;
  $("output").hidden = true; // never the fields of one file beside the preview of another
  lastResult = null;
  showPreview(file);
  setStatus("Reading…");
  const form = new FormData();
  form.append("image", file, file.name || "image");
  try {
    const init = { method: "POST", body: form, headers: requestHeaders(), signal: controller.signal };
    const response = await fetch(`/v1/ktp?${QUERY}`, init);
    const result = await response.json();
    if (seq !== requestSeq) return;
    render(result);
    const ok = response.ok && result.status === "SUCCESS";
    setStatus(`${result.status}: ${result.reason}`, !ok);
  } catch (err) {
    if (seq === requestSeq && err.name !== "AbortError") setStatus(`Request failed: ${err}`, true);
  } finally {
    if (inFlight === controller) inFlight = null;
  }
}

async function copyJson() {
  try {
    await navigator.clipboard.writeText(lastJson);
  } catch (err) {
    const area = document.createElement("textarea");
    area.value = lastJson;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  $("copy").textContent = "Copied";
  setTimeout(() => { $("copy").textContent = "Copy JSON"; }, 1500);
}

function setupUploads() {
  $("choose").addEventListener("click", () => $("file").click());
  $("take").addEventListener("click", () => $("camera").click());
  for (const id of ["file", "camera"]) {
    $(id).addEventListener("change", (e) => {
      upload(e.target.files[0]);
      e.target.value = ""; // choosing the same file again reads it again
    });
  }
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    upload(e.dataTransfer.files[0]);
  });
}

/** Pointing at (or tapping) a field on the card or in the list highlights it in both. */
function setupHighlight() {
  for (const id of ["overlay", "fields"]) {
    const box = $(id);
    box.addEventListener("pointerover", (e) => highlight(fieldOf(e)));
    box.addEventListener("pointerleave", () => highlight(null));
    box.addEventListener("click", (e) => highlight(fieldOf(e)));
  }
  // The outlines' gap and stroke are in screen pixels: redraw when the shown image changes size.
  new ResizeObserver(() => { if (lastResult) drawPolygons(lastResult); }).observe($("photo"));
}

function setup() {
  const keyInput = $("api-key");
  keyInput.value = localStorage.getItem("ktp-ocr-key") || "";
  keyInput.addEventListener("change", () => localStorage.setItem("ktp-ocr-key", keyInput.value.trim()));
  setupUploads();
  setupHighlight();
  $("copy").addEventListener("click", copyJson);
  $("photo").addEventListener("error", () => setPreviewShown(false));
}

setup();
