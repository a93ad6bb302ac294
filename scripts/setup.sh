#!/usr/bin/env bash
# One set-up for both quick-start commands, by purpose:
#   bash scripts/setup.sh serve   the project with the `service` extra only (what run.sh needs: no test or Ray
#                                 packages, no browser)
#   bash scripts/setup.sh test    the `dev`, `service` and `ray` extras, fonts for the synthetic cards and
#                                 Chromium for the web page's browser test (what test.sh needs)
# Dependencies go into .venv at the exact versions of constraints.txt. Safe to run again: each step is skipped
# when already done. One stamp per extra (named by the hash of pyproject.toml and constraints.txt) says what the
# venv holds, so `test` after `serve` installs the rest and `serve` after `test` installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-test}"
case "$purpose" in
  serve) EXTRAS=(service); APT_PACKAGES=() ;;
  test | --with-browser) EXTRAS=(dev service ray); APT_PACKAGES=(fonts-liberation2 fonts-ocr-a fonts-dejavu-core fontconfig chromium) ;;
  *) echo "usage: bash scripts/setup.sh serve|test" >&2; exit 64 ;;
esac

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
hash=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
# A stamp from another hash is stale: everything is installed again at the new pins.
for old in .venv/.installed-*; do
  [ -e "$old" ] && [[ "$old" != .venv/.installed-"$hash"-* ]] && rm -f "$old"
done
needed=()
for extra in "${EXTRAS[@]}"; do
  [ -f ".venv/.installed-$hash-$extra" ] || needed+=("$extra")
done
if [ ${#needed[@]} -gt 0 ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # pyproject.toml says which versions work (ranges); constraints.txt pins the exact set this repo is tested with
  log=$(mktemp)
  spec=".[$(IFS=,; echo "${EXTRAS[*]}")]"
  if ! .venv/bin/python -m pip install -c constraints.txt -e "$spec" >"$log" 2>&1; then
    grep -E "^ERROR|requested \(constraint\)|No matching" "$log" >&2 || tail -n 15 "$log" >&2
    # name the pinned package pip could not get, in one line: a version the index lacks, or a pin to a missing file
    what=$(grep -oE "(requested \(constraint\)|distribution found for) [A-Za-z0-9._-]+" "$log" | head -n1 | awk '{print $NF}' || true)
    [ -z "$what" ] && what=$(grep -E "No such file" "$log" | grep -oE "[A-Za-z0-9_.]+-[0-9][^/' ]*\.whl" | head -n1 | cut -d- -f1 || true)
    rm -f "$log"
    echo "setup: cannot install ${what:-a pinned package} from the package index (pinned in constraints.txt)" >&2
    exit 1
  fi
  rm -f "$log"
  for extra in "${EXTRAS[@]}"; do touch ".venv/.installed-$hash-$extra"; done
fi
# The project is installed editable: compile its source now, so that running it writes no bytecode next to it
# (run.sh also sets PYTHONDONTWRITEBYTECODE; nothing is written at run time).
.venv/bin/python -m compileall -q src >/dev/null
