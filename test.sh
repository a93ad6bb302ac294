#!/usr/bin/env bash
# Quick-start command 2: set everything up, then run the whole test suite (lint and type checks included).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh test
.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
