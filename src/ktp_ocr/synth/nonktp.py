"""Synthetic images that are NOT a KTP, to check that the reader refuses them.

A KTP reader is often handed the wrong thing: a driving licence (SIM), a tax card (NPWP), a passport page, a
letter that lists the same personal fields, a receipt, a holiday photo, or a blank KTP template. Each is drawn
here procedurally (look-alikes of the layout only, made-up values from :mod:`.identity`, never a real document
or person) and photographed on one of the generator's backgrounds with a slight tilt, so the reader sees it as
it would see a real upload. ``render_nonktp(seed, kind)`` is deterministic.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from . import backgrounds as bgs
from .card import CARD_H, CARD_W, _background, _photo, card_mask
from .fonts import font
from .identity import make_identity

Image8 = NDArray[Any]
Ident = dict[str, str]
RGB = tuple[int, int, int]

KINDS: tuple[str, ...] = ("sim", "npwp", "passport", "scene", "blank_ktp", "receipt", "letter")
INK: RGB = (25, 25, 30)


def _canvas(w: int, h: int, top: RGB, bottom: RGB) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A vertical two-colour gradient to draw a document on."""
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    arr = np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t
    im = Image.fromarray(np.repeat(arr, w, axis=1).astype(np.uint8), "RGB")
    return im, ImageDraw.Draw(im)


def _rows(d: ImageDraw.ImageDraw, x: int, y: int, pitch: int, rows: list[tuple[str, str]], size: int) -> None:
    """Label/value rows in the document's own style (label, then value on the same line)."""
    f = font("sans", size)
    for label, value in rows:
        d.text((x, y), label, font=f, fill=INK)
        d.text((x + int(f.getlength(label)) + 12, y), value, font=font("sans_bold", size), fill=INK)
        y += pitch


def _sim(rng: random.Random, ident: Ident) -> Image.Image:
    """An Indonesian driving-licence look-alike: numbered fields, police header, photo on the left."""
    im, d = _canvas(CARD_W, CARD_H, (236, 214, 226), (214, 226, 240))
    d.text((CARD_W // 2, 28), "SURAT IZIN MENGEMUDI", font=font("sans_bold", 34), fill=(150, 20, 30), anchor="mt")
    d.text((CARD_W // 2, 70), "KEPOLISIAN NEGARA REPUBLIK INDONESIA", font=font("sans", 22), fill=INK, anchor="mt")
    d.text((40, 110), f"SIM {rng.choice(['A', 'C', 'B I'])}", font=font("sans_bold", 40), fill=(20, 40, 120))
    number = "".join(rng.choice("0123456789") for _ in range(12))
    d.text((420, 120), f"{number[:4]}-{number[4:8]}-{number[8:]}", font=font("ocr", 34), fill=INK)
    im.paste(_photo(rng, 200, 260, ident["jenis_kelamin"] == "PEREMPUAN"), (40, 190))
    rows = [
        ("1.", ident["nama"]),
        ("2.", f"{ident['tempat_lahir']}, {ident['tanggal_lahir']}"),
        ("3.", f"{ident['golongan_darah']} - {ident['jenis_kelamin'][:4]}"),
        ("4.", ident["alamat"][:30]),
        ("", f"{ident['kecamatan'][:28]}"),
        ("5.", ident["pekerjaan"][:28]),
        ("6.", f"POLDA {ident['provinsi'][:22]}"),
    ]
    _rows(d, 270, 190, 46, rows, 24)
    d.text((270, 540), f"Berlaku s/d {ident['tanggal_terbit']}", font=font("sans", 22), fill=INK)
    return im


def _npwp(rng: random.Random, ident: Ident) -> Image.Image:
    """A tax-card (NPWP) look-alike: ministry header, formatted NPWP number, name, NIK, address, office."""
    im, d = _canvas(CARD_W, CARD_H, (250, 246, 236), (232, 236, 228))
    d.rectangle([0, 0, CARD_W, 120], fill=(240, 200, 60))
    d.text((40, 22), "KEMENTERIAN KEUANGAN REPUBLIK INDONESIA", font=font("sans_bold", 28), fill=INK)
    d.text((40, 66), "DIREKTORAT JENDERAL PAJAK", font=font("sans", 26), fill=INK)
    digits = [rng.choice("0123456789") for _ in range(15)]
    npwp = "{}{}.{}{}{}.{}{}{}.{}-{}{}{}.{}{}{}".format(*digits)
    d.text((40, 160), "NPWP :", font=font("sans_bold", 36), fill=INK)
    d.text((200, 160), npwp, font=font("ocr", 38), fill=INK)
    d.text((40, 240), ident["nama"], font=font("sans_bold", 32), fill=INK)
    d.text((40, 300), f"NIK : {ident['nik']}", font=font("sans", 28), fill=INK)
    d.text((40, 350), ident["alamat"][:40], font=font("sans", 26), fill=INK)
    d.text((40, 390), f"{ident['kecamatan']} - {ident['kabupaten_kota']}"[:44], font=font("sans", 26), fill=INK)
    d.text((40, 470), f"KPP PRATAMA {ident['kabupaten_kota'][:24]}", font=font("sans", 24), fill=INK)
    d.text((40, 520), f"Tanggal Terdaftar {ident['tanggal_terbit']}", font=font("sans", 24), fill=INK)
    d.ellipse([800, 420, 960, 580], outline=(40, 80, 160), width=6)
    return im


def _mrz_name(ident: Ident) -> str:
    parts = ident["nama"].replace("'", "").replace(".", "").split()
    return "<".join(parts[-1:]) + "<<" + "<".join(parts[:-1])


def _passport(rng: random.Random, ident: Ident) -> Image.Image:
    """A passport data-page look-alike: bilingual labels, photo, and two machine-readable (MRZ) lines."""
    w, h = 1250, 880
    im, d = _canvas(w, h, (228, 238, 232), (238, 228, 236))
    d.text(
        (w // 2, 30), "REPUBLIK INDONESIA / REPUBLIC OF INDONESIA", font=font("sans_bold", 30), fill=INK, anchor="mt"
    )
    im.paste(_photo(rng, 260, 340, ident["jenis_kelamin"] == "PEREMPUAN"), (50, 120))
    number = rng.choice("ABCXE") + "".join(rng.choice("0123456789") for _ in range(7))
    sex = "M" if ident["jenis_kelamin"].startswith("L") else "F"
    rows = [
        ("Jenis / Type", "P"),
        ("Kode Negara / Country code", "IDN"),
        ("No. Paspor / Passport No.", number),
        ("Nama Lengkap / Full Name", ident["nama"]),
        ("Tanggal Lahir / Date of birth", ident["tanggal_lahir"]),
        ("Tempat Lahir / Place of birth", ident["tempat_lahir"]),
        ("Tanggal Pengeluaran / Date of issue", ident["tanggal_terbit"]),
        ("Kantor yang mengeluarkan / Issuing office", ident["kabupaten_kota"][:22]),
    ]
    y = 110
    for label, value in rows:
        d.text((350, y), label, font=font("sans", 18), fill=(70, 70, 80))
        d.text((350, y + 22), value, font=font("sans_bold", 26), fill=INK)
        y += 66
    name = _mrz_name(ident)
    line1 = f"P<IDN{name}".ljust(44, "<")[:44]
    birth = ident["tanggal_lahir"].split("-")
    line2 = f"{number}<0IDN{birth[2][2:]}{birth[1]}{birth[0]}0{sex}3001015<<<<<<<<<<<<<<06"[:44]
    ocr = font("ocr", 34)
    d.text((40, h - 130), line1, font=ocr, fill=INK)
    d.text((40, h - 75), line2, font=ocr, fill=INK)
    return im


def _scene(rng: random.Random, ident: Ident) -> Image.Image:
    """A procedural outdoor photo: sky, hills, sun, trees and houses; no text at all."""
    w, h = 1200, 900
    sky_top: RGB = (rng.randint(60, 120), rng.randint(120, 170), rng.randint(200, 250))
    im, d = _canvas(w, h, sky_top, (220, 230, 245))
    sun = (rng.randint(100, w - 100), rng.randint(60, 250))
    d.ellipse([sun[0] - 50, sun[1] - 50, sun[0] + 50, sun[1] + 50], fill=(255, 230, 150))
    for k in range(3):
        base = int(h * (0.5 + 0.12 * k))
        pts = [(x, base - int(60 * math.sin(x / rng.uniform(80, 200) + k))) for x in range(0, w + 20, 20)]
        green: RGB = (40 + 25 * k, 110 + 30 * k, 40 + 10 * k)
        d.polygon([*pts, (w, h), (0, h)], fill=green)
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(0, w), rng.randint(int(h * 0.55), h - 40)
        s = rng.randint(30, 80)
        if rng.random() < 0.5:
            d.rectangle([x - 6, y - s, x + 6, y], fill=(90, 60, 30))
            d.ellipse([x - s // 2, y - 2 * s, x + s // 2, y - s + 10], fill=(30, 100 + rng.randint(0, 60), 40))
        else:
            wall: RGB = (rng.randint(150, 240), rng.randint(130, 220), rng.randint(100, 200))
            d.rectangle([x - s, y - s, x + s, y], fill=wall)
            d.polygon([(x - s - 10, y - s), (x + s + 10, y - s), (x, y - 2 * s)], fill=(160, 50, 40))
    return im


def _blank_ktp(rng: random.Random, ident: Ident) -> Image.Image:
    """The KTP's printed background (tint, guilloche, globe, watermark) with no label and no value."""
    bg = _background(rng.randrange(6))
    return Image.fromarray(cv2.cvtColor(bg, cv2.COLOR_BGR2RGB))


def _receipt(rng: random.Random, ident: Ident) -> Image.Image:
    """A shop receipt: narrow thermal paper, monospaced items, prices and a total."""
    w, h = 560, 1100
    im, d = _canvas(w, h, (250, 250, 246), (240, 240, 236))
    mono = font("ocr", 24)
    shop = rng.choice(["TOKO SUMBER REJEKI", "WARUNG MAKMUR JAYA", "MINIMARKET SEJAHTERA"])
    d.text((w // 2, 40), shop, font=font("sans_bold", 30), fill=INK, anchor="mt")
    d.text((w // 2, 85), ident["kecamatan"][:26], font=font("sans", 22), fill=INK, anchor="mt")
    items = ["BERAS 5KG", "GULA PASIR", "MINYAK GORENG", "KOPI SACHET", "TELUR 1KG", "SABUN MANDI", "AIR MINERAL"]
    y, total = 150, 0
    for item in rng.sample(items, rng.randint(4, 7)):
        price = rng.randint(3, 90) * 1000
        total += price
        d.text((30, y), f"{item:<16}{price:>10,}".replace(",", "."), font=mono, fill=INK)
        y += 44
    d.line([30, y + 10, w - 30, y + 10], fill=INK, width=2)
    d.text((30, y + 30), f"{'TOTAL':<16}{total:>10,}".replace(",", "."), font=mono, fill=INK)
    d.text((w // 2, y + 110), "TERIMA KASIH", font=font("sans_bold", 26), fill=INK, anchor="mt")
    d.text((w // 2, y + 150), ident["tanggal_terbit"], font=font("sans", 22), fill=INK, anchor="mt")
    return im


def _letter(rng: random.Random, ident: Ident) -> Image.Image:
    """A village certificate letter (surat keterangan) that lists the holder's personal fields like a KTP does."""
    w, h = 1000, 1400
    im, d = _canvas(w, h, (252, 252, 250), (246, 246, 242))
    d.text(
        (w // 2, 60), f"PEMERINTAH {ident['kabupaten_kota'][:30]}", font=font("sans_bold", 28), fill=INK, anchor="mt"
    )
    d.text((w // 2, 100), f"KECAMATAN {ident['kecamatan'][:30]}", font=font("sans_bold", 26), fill=INK, anchor="mt")
    d.line([60, 150, w - 60, 150], fill=INK, width=4)
    d.text((w // 2, 190), "SURAT KETERANGAN DOMISILI", font=font("sans_bold", 30), fill=INK, anchor="mt")
    number = f"Nomor : 470/{rng.randint(10, 999)}/{rng.randint(2015, 2024)}"
    d.text((w // 2, 235), number, font=font("sans", 22), fill=INK, anchor="mt")
    body = font("sans", 24)
    d.text((80, 300), "Yang bertanda tangan di bawah ini menerangkan bahwa:", font=body, fill=INK)
    rows = [
        ("Nama", ident["nama"]),
        ("Tempat/Tgl Lahir", f"{ident['tempat_lahir']}, {ident['tanggal_lahir']}"),
        ("Agama", ident["agama"]),
        ("Pekerjaan", ident["pekerjaan"]),
        ("Alamat", ident["alamat"][:34]),
    ]
    y = 360
    for label, value in rows:
        d.text((120, y), label, font=body, fill=INK)
        d.text((360, y), f": {value}", font=body, fill=INK)
        y += 44
    text = (
        "adalah benar warga yang berdomisili di wilayah kami. Surat keterangan ini dibuat untuk "
        "dipergunakan sebagaimana mestinya dan berlaku selama enam bulan sejak tanggal dikeluarkan."
    )
    words, line, y = text.split(), "", y + 40
    for word in words:
        if body.getlength(f"{line} {word}") > w - 160:
            d.text((80, y), line.strip(), font=body, fill=INK)
            line, y = "", y + 40
        line = f"{line} {word}"
    d.text((80, y), line.strip(), font=body, fill=INK)
    d.text((600, y + 120), f"{ident['tempat_terbit'][:20]}, {ident['tanggal_terbit']}", font=body, fill=INK)
    d.text((600, y + 160), "Kepala Desa", font=body, fill=INK)
    return im


_DRAW: dict[str, Callable[[random.Random, Ident], Image.Image]] = {
    "sim": _sim,
    "npwp": _npwp,
    "passport": _passport,
    "scene": _scene,
    "blank_ktp": _blank_ktp,
    "receipt": _receipt,
    "letter": _letter,
}
_CARD_KINDS = ("sim", "npwp", "blank_ktp")  # ID-1 cards: rounded corners like a KTP


def _photograph(doc: Image8, rng: random.Random, nrng: np.random.Generator, rounded: bool, full: bool) -> Image8:
    """Place ``doc`` on a background, slightly tilted, as a phone photo would; ``full`` fills the frame."""
    dh, dw = doc.shape[:2]
    if full:  # a photo is its own frame
        return doc
    frame_w = 1280
    frame_h = 960
    scale = rng.uniform(0.55, 0.8) * min(frame_w / dw, frame_h / dh)
    angle = rng.uniform(-6, 6)
    centre = (frame_w / 2 + rng.uniform(-40, 40), frame_h / 2 + rng.uniform(-30, 30))
    m = cv2.getRotationMatrix2D((dw / 2, dh / 2), angle, scale)
    m[:, 2] += np.array(centre) - np.array([dw / 2, dh / 2])
    mask = cv2.resize(card_mask(), (dw, dh)) if rounded else np.full((dh, dw), 255, np.uint8)
    warped = cv2.warpAffine(doc, m, (frame_w, frame_h), flags=cv2.INTER_AREA).astype(np.float32)
    alpha = cv2.warpAffine(mask, m, (frame_w, frame_h)).astype(np.float32)[..., None] / 255.0
    background = bgs.make_background(rng.choice(["wood", "desk", "fabric", "plain"]), nrng, frame_h, frame_w)
    out = background * (1 - alpha) + warped * alpha
    out += nrng.normal(0, 2.0, out.shape).astype(np.float32)
    result: Image8 = np.clip(out, 0, 255).astype(np.uint8)
    return result


def render_nonktp(seed: int, kind: str) -> bytes:
    """JPEG bytes of a non-KTP image of ``kind`` (one of :data:`KINDS`), reproducible from ``seed``."""
    if kind not in _DRAW:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    rng = random.Random(f"nonktp:{seed}:{kind}")
    nrng = np.random.default_rng([seed, KINDS.index(kind), 11])
    ident = make_identity(rng)
    doc = cv2.cvtColor(np.asarray(_DRAW[kind](rng, ident), np.uint8), cv2.COLOR_RGB2BGR)
    doc = cv2.GaussianBlur(doc, (0, 0), 0.5)
    image = _photograph(doc, rng, nrng, rounded=kind in _CARD_KINDS, full=kind == "scene")
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


__all__ = ["KINDS", "render_nonktp"]
