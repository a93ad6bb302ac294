"""Tests for the synthetic KTP generator (identity consistency, determinism, label format, geometry)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from pathlib import Path

import cv2
import lokal
import numpy as np
import pytest
from lokal import wilayah

from ktp_ocr.synth import FIELDS, PROFILES, make_identity, render_card, render_sample
from ktp_ocr.synth.card import CARD_H, CARD_W
from ktp_ocr.synth.cli import register
from ktp_ocr.synth.generate import generate, render_card_entry

REAL_CONDITIONS = {
    "scan",
    "photo",
    "angled",
    "rotated",
    "in_hand",
    "glare",
    "shadow",
    "dark",
    "bright",
    "blurry",
    "low_res",
    "grayscale",
    "a4_page",
    "cluttered_background",
    "cropped",
}
DATE = r"\d\d-\d\d-\d{4}"


@pytest.mark.parametrize("seed", range(60))
def test_identity_is_consistent(seed: int) -> None:
    ident = make_identity(random.Random(seed))
    assert tuple(ident) == FIELDS
    assert all(v == v.upper() and v.strip() == v and v for v in ident.values())
    info = lokal.parse_nik(ident["nik"], lookup_wilayah=wilayah.wilayah_name)
    assert info.valid, info.errors
    nik = ident["nik"]
    assert len(nik) == 16 and nik.isdigit() and nik[12:] != "0000"
    # region in the NIK is the printed region
    district = f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"
    assert (wilayah.wilayah_name(district) or "").upper() == ident["kecamatan"]
    regency = (wilayah.wilayah_name(district[:5]) or "").upper()
    assert regency.endswith(ident["kabupaten_kota"].removeprefix("KABUPATEN ").removeprefix("KOTA "))
    assert ident["kabupaten_kota"] in regency or ident["kabupaten_kota"] == regency.split("ADMINISTRASI ")[-1]
    province = (wilayah.wilayah_name(nik[:2]) or "").upper()
    assert ident["provinsi"] == ("DKI JAKARTA" if nik[:2] == "31" else province)
    villages = {w.name.upper() for w in wilayah.list_wilayah(district)}
    assert ident["kelurahan_desa"] in villages
    # birth date and sex in the NIK agree with the printed ones
    day, month, year = (int(x) for x in ident["tanggal_lahir"].split("-"))
    female = ident["jenis_kelamin"] == "PEREMPUAN"
    assert int(nik[6:8]) == day + (40 if female else 0)
    assert nik[8:10] == f"{month:02d}" and nik[10:12] == f"{year % 100:02d}"
    assert info.birth_date == dt.date(year, month, day).isoformat()
    assert info.gender == ("P" if female else "L")
    # value conventions
    assert ident["jenis_kelamin"] in ("LAKI-LAKI", "PEREMPUAN")
    assert ident["golongan_darah"].rstrip("+-") in ("A", "B", "AB", "O", "")
    assert ident["agama"] in (
        "ISLAM",
        "KRISTEN",
        "KATOLIK",
        "KATHOLIK",
        "HINDU",
        "BUDDHA",
        "KONGHUCU",
        "KEPERCAYAAN TERHADAP TUHAN YME",
    )
    assert ident["status_perkawinan"] in ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI")
    assert ident["kewarganegaraan"] in ("WNI", "WNA")
    assert re.fullmatch(r"\d{3}/\d{3}", ident["rt_rw"])
    for key in ("tanggal_lahir", "tanggal_terbit"):
        assert re.fullmatch(DATE, ident[key])
    assert ident["berlaku_hingga"] == "SEUMUR HIDUP" or re.fullmatch(DATE, ident["berlaku_hingga"])
    assert not ident["provinsi"].startswith("PROVINSI")


def test_card_boxes_cover_every_field() -> None:
    card = render_card(make_identity(random.Random(5)), random.Random(5))
    assert card.image.shape == (CARD_H, CARD_W, 3) and card.image.dtype == np.uint8
    assert set(card.boxes) == set(FIELDS)
    for key, box in card.boxes.items():
        arr = np.array(box)
        assert arr.shape == (4, 2), key
        assert (arr[:, 0] >= 0).all() and (arr[:, 0] <= CARD_W).all(), key
        assert (arr[:, 1] >= 0).all() and (arr[:, 1] <= CARD_H).all(), key
        assert arr[1, 0] > arr[0, 0] and arr[3, 1] > arr[0, 1], key
        # text is dark: the box holds clearly darker pixels than the card background
        x0, y0 = int(arr[:, 0].min()), int(arr[:, 1].min())
        x1, y1 = int(np.ceil(arr[:, 0].max())), int(np.ceil(arr[:, 1].max()))
        assert card.image[y0:y1, x0:x1].min() < 90, key


def test_same_seed_same_bytes_and_labels() -> None:
    a = render_card_entry(11, 3, "mixed")
    b = render_card_entry(11, 3, "mixed")
    assert a[0] == b[0]
    assert json.dumps(a[1], sort_keys=True) == json.dumps(b[1], sort_keys=True)
    c = render_card_entry(12, 3, "mixed")
    assert c[0] != a[0]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_renders(profile: str) -> None:
    for seed in range(3):
        data, entry = render_sample(seed, profile)
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert img is not None and img.ndim == 3
        h, w = img.shape[:2]
        corners = np.array(entry["corners"])
        assert corners.shape == (4, 2)
        assert set(entry["conditions"]) <= REAL_CONDITIONS
        assert entry["effects"] and all("name" in e for e in entry["effects"])
        assert set(entry["unreadable"]) <= set(FIELDS)
        if "cropped" not in entry["conditions"]:
            assert (corners[:, 0] >= -1).all() and (corners[:, 0] <= w + 1).all()
            assert (corners[:, 1] >= -1).all() and (corners[:, 1] <= h + 1).all()
        if profile == "clean":
            assert entry["unreadable"] == []
            assert "photo" in entry["conditions"] or "scan" in entry["conditions"]
            # upright: TL is up-left of BR, and the card fills a good part of the frame
            assert corners[0, 0] < corners[2, 0] and corners[0, 1] < corners[2, 1]
            assert (corners[1, 0] - corners[0, 0]) > 0.6 * w


def test_corners_follow_the_card() -> None:
    """Warping the recorded corners back to the canonical card must show the card's NIK where it was drawn."""
    for seed in range(4):
        data, entry = render_sample(seed, "phone")
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert img is not None
        dst = np.array([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]], np.float32)
        m = cv2.getPerspectiveTransform(np.array(entry["corners"], np.float32), dst)
        flat = cv2.warpPerspective(img, m, (CARD_W, CARD_H))
        gray = cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
        # the NIK row is dark print, the blank strip just under the photo column's signature is not
        nik = gray[110:150, 220:640]
        assert nik.min() < 110 and float(np.mean(nik < 110)) > 0.05
        assert float(np.mean(gray[595:625, 300:700])) > 120


def test_hard_profile_covers_rotations_and_mirrors() -> None:
    turns, mirrored, conds = set(), set(), set()
    for i in range(20):
        _, entry = render_card_entry(99, i, "hard")
        geo = next(e for e in entry["effects"] if e["name"] == "geometry")
        turns.add(geo["quarter_turns"])
        mirrored.add(geo["mirrored"])
        conds.update(entry["conditions"])
    assert len(turns) >= 3
    assert {"rotated", "blurry"} <= conds


def test_generate_writes_labels_in_dev_format(tmp_path: Path) -> None:
    labels_path = generate(3, tmp_path, seed=4, profile="mixed", workers=1)
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    assert sorted(labels) == ["syn00000.jpg", "syn00001.jpg", "syn00002.jpg"]
    for name, entry in labels.items():
        assert (tmp_path / name).is_file()
        assert {"fields", "unreadable", "conditions", "notes"} <= set(entry)
        assert list(entry["fields"]) == list(FIELDS)
        assert isinstance(entry["notes"], str)
        assert len(entry["corners"]) == 4
    # each card depends only on (seed, index)
    _, again = render_card_entry(4, 1, "mixed")
    assert json.loads(json.dumps(again)) == labels["syn00001.jpg"]


def test_cli_subcommand(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["synth", "--count", "2", "--out", str(tmp_path / "o"), "--seed", "3", "--profile", "clean"]
    )
    assert args.func(args) == 0
    assert (tmp_path / "o" / "labels.json").is_file()
    assert (tmp_path / "o" / "syn00001.jpg").is_file()


def test_bundled_sample_is_a_clean_card() -> None:
    sample = Path(__file__).resolve().parents[1] / "src" / "ktp_ocr" / "data" / "sample_card.jpg"
    if not sample.is_file():
        pytest.skip("sample card not bundled yet")
    img = cv2.imread(str(sample))
    assert img is not None and img.shape[1] > 600
