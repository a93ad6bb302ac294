#!/usr/bin/env bash
# Regenerate constraints.txt, the exact versions the project is tested with.
#   bash scripts/lock.sh            keep today's pins, add what a changed pyproject.toml needs
#   bash scripts/lock.sh --upgrade  resolve every package afresh (newest versions pyproject.toml allows)
# Everything is installed into a throwaway virtual environment with no cache and no find-links folder, and the pins
# are written as name==version from the installed metadata (`pip list --format=freeze`, never `pip freeze`, which
# writes `name @ file://...` for a wheel installed from a file), so a path or URL cannot be captured.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
unset PIP_FIND_LINKS
pip=("$tmp/venv/bin/python" -m pip --no-cache-dir --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip
pins=()
if [ "${1:-}" != "--upgrade" ]; then
  grep -E '^[A-Za-z0-9][A-Za-z0-9._-]*==[^ @;]+$' constraints.txt > "$tmp/keep.txt" || true
  pins=(-c "$tmp/keep.txt")
fi
"${pip[@]}" install -q "${pins[@]}" -e ".[dev,service,ray]"
"${pip[@]}" list --format=freeze --exclude-editable --exclude pip --exclude setuptools --exclude wheel \
  | LC_ALL=C sort -f > "$tmp/constraints.txt"
if grep -vE '^[A-Za-z0-9][A-Za-z0-9._-]*==[^ @;]+$' "$tmp/constraints.txt"; then
  echo "lock: the lines above are not name==version; constraints.txt left unchanged" >&2
  exit 1
fi
mv "$tmp/constraints.txt" constraints.txt
echo "lock: constraints.txt pins $(wc -l < constraints.txt) packages"
