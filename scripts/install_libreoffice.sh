#!/usr/bin/env bash
# Printed documents (consignor statements...) come out as PDF when
# LibreOffice converts them; without it they stay OpenDocument.  Install
# Debian's LibreOffice Writer (no GUI) when it is missing and this machine
# can (root with apt); otherwise say how.
set -u
if command -v soffice >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq libreoffice-writer-nogui \
        && exit 0
fi
echo "LibreOffice is not installed: printed documents will be OpenDocument" \
    "(.odt), not PDF. Install it with: sudo apt-get install" \
    "libreoffice-writer-nogui" >&2
exit 0
