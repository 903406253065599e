#!/usr/bin/env bash
# Install the Tryton web client (sao) matching the server series into var/sao.
set -euo pipefail
cd "$(dirname "$0")/.."
SAO_VERSION="${SAO_VERSION:-8.0.11}"
dest=var/sao
PY="${PY:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3

# complete sao's Indonesian from modules/ntt_mart/locale/sao/id.po, from
# sao's own file each time (the PO file may have changed)
translate() {
    local json="$dest/locale/id.json"
    [ -f "$json.orig" ] || cp "$json" "$json.orig"
    cp "$json.orig" "$json"
    "$PY" scripts/translate_sao.py "$dest"
    # sao's customisation hook: prices without the zeros of unused decimals
    cp config/sao/custom.js "$dest/custom.js"
}

if [ -f "$dest/.installed-$SAO_VERSION" ]; then
    translate
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "tryton-sao@$SAO_VERSION" >/dev/null)
tar -xzf "$tmp/tryton-sao-$SAO_VERSION.tgz" -C "$tmp"
rm -rf "$dest"
mkdir -p var
mv "$tmp/package" "$dest"
(cd "$dest" && npm install --omit=dev --legacy-peer-deps --no-audit --no-fund --loglevel=error)
touch "$dest/.installed-$SAO_VERSION"
translate
echo "sao $SAO_VERSION installed in $dest"
