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
  log=$(mktemp)
  if ! .venv/bin/python -m pip install -c constraints.txt -e ".[dev,service,ray]" >"$log" 2>&1; then
    grep -E "^ERROR|requested \(constraint\)|No matching" "$log" >&2 || tail -n 15 "$log" >&2
    # name the pinned package pip could not get, in one line: a version the index lacks, or a pin to a missing file
    what=$(grep -oE "(requested \(constraint\)|distribution found for) [A-Za-z0-9._-]+" "$log" | head -n1 | awk '{print $NF}' || true)
    [ -z "$what" ] && what=$(grep -E "No such file" "$log" | grep -oE "[A-Za-z0-9_.]+-[0-9][^/' ]*\.whl" | head -n1 | cut -d- -f1 || true)
    rm -f "$log"
    echo "setup: cannot install ${what:-a pinned package} from the package index (pinned in constraints.txt)" >&2
    exit 1
  fi
  rm -f "$log"
  rm -f .venv/.installed-*; touch "$stamp"
fi
