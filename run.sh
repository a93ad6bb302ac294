#!/usr/bin/env bash
# Quick-start command 1: set everything up, then serve the API and the web page on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh serve
export PYTHONDONTWRITEBYTECODE=1  # nothing written at run time: setup.sh compiled the source already
exec .venv/bin/ktp-ocr serve --host 127.0.0.1 --port 8000 "$@"
