#!/bin/sh
# Regenerates the committed icons from resources/icons/pgha.svg, the icon's one source:
#   packaging/icons/pgha-console-N.png  (the .deb's hicolor theme; N = 16 … 512)
#   packaging/macos/pgha.icns   (app bundle icon; 16 … 1024 px)
#   packaging/windows/pgha.ico  (the .exe, the installer and the Start-menu entry; 16 … 256 px)
# Needs Debian's librsvg2-bin (rsvg-convert), icnsutils (png2icns) and icoutils (icotool):
#   sudo apt-get install librsvg2-bin icnsutils icoutils
# Run it after changing the SVG and commit the results; the build never runs it, so no build
# (Linux, macOS, Windows) needs any of these tools.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
svg="$here/../resources/icons/pgha.svg"
for tool in rsvg-convert png2icns icotool; do
    command -v "$tool" >/dev/null || { echo "make-icons.sh: $tool is missing (apt-get install librsvg2-bin icnsutils icoutils)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in 16 24 32 48 64 128 256 512 1024; do
    rsvg-convert -w "$size" -h "$size" "$svg" -o "$work/$size.png"
done

for size in 16 24 32 48 64 128 256 512; do
    cp "$work/$size.png" "$here/icons/pgha-console-$size.png"
done
# png2icns picks the icns element type from each PNG's size (is32 … ic10).
png2icns "$here/macos/pgha.icns" "$work/16.png" "$work/32.png" "$work/48.png" "$work/128.png" \
    "$work/256.png" "$work/512.png" "$work/1024.png" >/dev/null
# The 256 px image is stored as PNG (-r), as Windows Vista and later read it; the rest as bitmaps.
icotool -c -o "$here/windows/pgha.ico" "$work/16.png" "$work/24.png" "$work/32.png" "$work/48.png" \
    "$work/64.png" "$work/128.png" -r "$work/256.png"
echo "written: $here/icons/pgha-console-*.png $here/macos/pgha.icns $here/windows/pgha.ico"
