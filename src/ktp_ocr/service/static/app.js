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

function drawPolygons(result) {
  const svg = $("overlay");
  svg.replaceChildren();
  const img = $("photo");
  if (img.hidden || !img.naturalWidth) return;
  svg.setAttribute("viewBox", `0 0 ${img.naturalWidth} ${img.naturalHeight}`);
  const card = result.card && result.card.polygon;
  if (card) svg.append(svgEl("polygon", { points: card.map((p) => p.join(",")).join(" "), class: "card" }));
  for (const [name, field] of Object.entries(result.fields || {})) {
    if (!field.polygon || !field.value) continue;
    const poly = svgEl("polygon", {
      points: field.polygon.map((p) => p.join(",")).join(" "),
      class: field.confidence < LOW ? "low" : "ok",
      "data-field": name,
    });
    const title = svgEl("title", {});
    title.textContent = `${LABELS[name] || name}: ${field.value} (${Math.round(field.confidence)}%)`;
    poly.append(title);
    svg.append(poly);
  }
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function fillValue(cell, field) {
  cell.className = "value";
  cell.textContent = field.value || "—";
  if (field.raw_text && field.raw_text !== field.value) cell.title = `OCR: ${field.raw_text}`;
  for (const warning of field.warnings || []) cell.append(el("small", "field-warning", warning));
}

function fillValid(cell, field) {
  cell.className = "valid";
  if (typeof field.valid !== "boolean") return;
  cell.dataset.valid = String(field.valid);
  cell.title = field.valid ? "valid" : "not valid";
  // The words show where the table has no header row (a phone); screen readers read them everywhere.
  cell.append(field.valid ? "✓" : "✗", el("span", "flag-text", ` ${cell.title}`));
}

function fillFields(result) {
  const body = $("fields").tBodies[0];
  body.replaceChildren();
  for (const [name, field] of Object.entries(result.fields || {})) {
    const row = body.insertRow();
    row.dataset.field = name;
    const conf = typeof field.confidence === "number" ? field.confidence : null;
    if (!field.value) row.classList.add("missing");
    else if (conf !== null && conf < LOW) row.classList.add("low");
    row.insertCell().textContent = LABELS[name] || name;
    fillValue(row.insertCell(), field);
    const cell = row.insertCell();
    cell.className = "conf";
    cell.textContent = conf === null || !field.value ? "" : `${Math.round(conf)}%`;
    fillValid(row.insertCell(), field);
  }
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
  $("output").hidden = false;
  lastJson = JSON.stringify(result, null, 2);
  $("json").textContent = lastJson;
  fillFields(result);
  fillWarnings(result);
  fillNikDetails(result);
  fillQualities(result);
  fillCrops(result);
  const img = $("photo");
  if (img.complete) drawPolygons(result);
  else img.onload = () => drawPolygons(result);
}

async function upload(file) {
  if (!file) return;
  showPreview(file);
  setStatus("Reading…");
  const form = new FormData();
  form.append("image", file, file.name || "image");
  const headers = {};
  const key = $("api-key").value.trim();
  if (key) headers["x-api-key"] = key;
  try {
    const response = await fetch(`/v1/ktp?${QUERY}`, { method: "POST", body: form, headers });
    const result = await response.json();
    render(result);
    const ok = response.ok && result.status === "SUCCESS";
    setStatus(`${result.status}: ${result.reason}`, !ok);
  } catch (err) {
    setStatus(`Request failed: ${err}`, true);
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

function setup() {
  const keyInput = $("api-key");
  keyInput.value = localStorage.getItem("ktp-ocr-key") || "";
  keyInput.addEventListener("change", () => localStorage.setItem("ktp-ocr-key", keyInput.value.trim()));
  for (const id of ["file", "camera"]) {
    $(id).addEventListener("change", (e) => upload(e.target.files[0]));
  }
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    upload(e.dataTransfer.files[0]);
  });
  $("copy").addEventListener("click", copyJson);
  $("photo").addEventListener("error", () => setPreviewShown(false));
}

setup();
