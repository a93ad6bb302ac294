#!/usr/bin/env bash
# One set-up for both quick-start commands: system packages (fonts for the synthetic cards, Chromium for the
# web page's browser test), then a virtual environment with the project and its dependencies at the exact
# versions of constraints.txt.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(fonts-liberation2 fonts-ocr-a fonts-dejavu-core fontconfig)
if [ "${1:-}" = "--with-browser" ]; then APT_PACKAGES+=(chromium); fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # pyproject.toml says which versions work (ranges); constraints.txt pins the exact set this repo is tested with
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[dev,service,ray]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
