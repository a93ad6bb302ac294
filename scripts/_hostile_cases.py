"""What every bad-input case is built from: the Case type, the routes and their JSON keys, and the delivery
of a file to any route (plus ``label``, the short name of an answer's status).

Split out of bad_inputs.py so that the _hostile_* modules can share these without importing bad_inputs: no cycle.
"""

from __future__ import annotations

import base64
import io
import json
import random
from dataclasses import dataclass

from _client import multipart
from PIL import Image

IMAGE_ROUTES = (
    "/v1/ktp",
    "/ocr/v1/ktp",
    "/ocr/v1/ktp/qualities",
    "/v1/analytics/ocr-ktp",
    "/v1/nodeflux/ocr-ktp",
)
KREDIBEL = "/v1/ocr/id/ktp"
OCR_KTP = "/ocr/ktp"
ALL_ROUTES = (*IMAGE_ROUTES, KREDIBEL, OCR_KTP)
# The JSON field that holds the image (or names the file) on each route.
JSON_KEY = {path: ("images" if "ocr-ktp" in path else "image") for path in IMAGE_ROUTES} | {
    KREDIBEL: "image",
    OCR_KTP: "filename",
}


@dataclass
class Case:
    name: str
    path: str
    body: bytes | None
    content_type: str | None
    kind: str = "classic"
    strict: bool = True  # the original rule: anything but a typed 4xx (or a contract's no-card 200) is a problem
    raw_head: bytes | None = None  # sent as these bytes (what http.client refuses to send)
    plant: bytes | None = None  # /ocr/ktp: written into the uploads folder under ``plant_name`` first
    plant_name: str = ""
    cut: int | None = None  # disconnect: send this many body bytes, then close the socket
    reset: bool = False  # disconnect: close with a TCP reset instead of a FIN

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type} if self.content_type else {}


def _image(fmt: str, size: tuple[int, int] = (320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 200, 220)).save(buffer, format=fmt)
    return buffer.getvalue()


def _boundary(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def label(body: object) -> str:
    """A short name for an answer's status whatever the contract's envelope."""
    if not isinstance(body, dict):
        return "<not JSON>"
    if isinstance(body.get("status"), str):
        return str(body["status"])
    errors = body.get("errors")
    if isinstance(errors, dict):
        return str(errors.get("errorType") or "validation:" + ",".join(sorted(errors)))
    if "job" in body:
        return "nodeflux:" + str(body.get("message", ""))[:40]
    return f"{body.get('status', '')}:{str(body.get('message', '')).split(':')[0][:40]}"


# --- delivering a file to any route ---------------------------------------------------------------------------


def deliveries(path: str, uploads: bool) -> tuple[str, ...]:
    """The encodings a route takes a file in."""
    if path == OCR_KTP:
        return ("plant",) if uploads else ()
    if path == KREDIBEL:
        return ("json",)
    return ("multipart", "json", "raw")


def file_routes(uploads: bool) -> tuple[str, ...]:
    return ALL_ROUTES if uploads else ALL_ROUTES[:-1]


def deliver(kind: str, name: str, data: bytes, path: str, how: str, rng: random.Random, mime: str) -> Case:
    """``data`` sent to ``path`` as multipart, JSON base64, a raw body, or a file named in the uploads folder."""
    label = f"{how}:{name}"
    if how == "multipart":
        body, ctype = multipart("image", data, filename="upload", content_type=mime, boundary=_boundary(rng))
        return Case(label, path, body, ctype, kind=kind, strict=False)
    if how == "raw":
        return Case(label, path, data, mime, kind=kind, strict=False)
    if how == "plant":
        plant_name = f"fuzz-{rng.getrandbits(48):012x}.bin"
        body = json.dumps({"filename": plant_name}).encode()
        return Case(label, path, body, "application/json", kind=kind, strict=False, plant=data, plant_name=plant_name)
    encoded = base64.b64encode(data).decode()
    key = JSON_KEY[path]
    value: object = [encoded] if key == "images" else encoded
    return Case(label, path, json.dumps({key: value}).encode(), "application/json", kind=kind, strict=False)


def spread(
    kind: str, files: list[tuple[str, bytes, str]], rng: random.Random, round_no: int, uploads: bool, copies: int = 1
) -> list[Case]:
    """Each file to ``copies`` routes, rotating with the round so that a few rounds cover every route."""
    routes = file_routes(uploads)
    cases = []
    for i, (name, data, mime) in enumerate(files):
        for k in range(copies):
            path = routes[(i + round_no + k * 3) % len(routes)]
            cases.append(deliver(kind, name, data, path, rng.choice(deliveries(path, uploads)), rng, mime))
    return cases
