#!/usr/bin/env bash
# Install the Tryton web client (sao) matching the server series into var/sao.
set -euo pipefail
cd "$(dirname "$0")/.."
SAO_VERSION="${SAO_VERSION:-8.0.11}"
dest=var/sao
if [ -f "$dest/.installed-$SAO_VERSION" ]; then
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
echo "sao $SAO_VERSION installed in $dest"
