#!/bin/sh
# A mechanical check that the console's and the CLI's sources compile for Windows: every .cpp of
# services/, models/, views/, reports/ and app/ is parsed (-fsyntax-only, nothing is linked) by
# MinGW-w64's g++ for x86_64-w64-mingw32, so Q_OS_WIN is defined and Q_OS_UNIX/Q_OS_LINUX are
# not, against Windows' C runtime headers. POSIX-only headers that MinGW happens to ship but MSVC
# does not (unistd.h, dirent.h, poll.h, termios.h, pwd.h, sys/socket.h …) are replaced by ones
# that fail, so an unguarded include is reported as MSVC would.
#
# What it does not prove: Qt's headers are the Linux build's (its feature set, not Windows'), MSVC
# is not GCC, and nothing links or runs. The Windows CI workflow (.github/workflows/windows.yml)
# is the real test; this only catches POSIX calls, headers and signals that lack a guard.
#
# Usage: scripts/portability-check.sh [BUILD_DIR [FILE.cpp…]]   BUILD_DIR: a configured Linux
#        build, for moc's output (default build); FILEs: only these (paths from the checkout).
#        Needs: sudo apt-get install g++-mingw-w64-x86-64-posix
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
[ $# -gt 0 ] && shift
files=$*
cxx=x86_64-w64-mingw32-g++-posix
qt=/usr/include/x86_64-linux-gnu/qt6

command -v "$cxx" >/dev/null || { echo "portability-check: $cxx is missing (apt-get install g++-mingw-w64-x86-64-posix)" >&2; exit 2; }
[ -d "$qt/QtCore" ] || { echo "portability-check: Qt 6 headers not found under $qt (apt-get install qt6-base-dev)" >&2; exit 2; }
[ -d "$build/services" ] || { echo "portability-check: $build is not a configured build directory (cmake -S . -B $build)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Headers that exist for MinGW but not for MSVC: including one unguarded is an error.
for h in unistd.h dirent.h poll.h termios.h pwd.h grp.h sys/socket.h sys/wait.h sys/resource.h \
         sys/un.h sys/mman.h sys/ioctl.h arpa/inet.h netinet/in.h; do
    mkdir -p "$work/shadow/$(dirname "$h")"
    printf '#error "<%s> does not exist with MSVC: guard it (Q_OS_UNIX)"\n' "$h" > "$work/shadow/$h"
done
# yaml-cpp and QtKeychain live directly in /usr/include, which must not be searched (glibc's
# headers would shadow Windows' own): reach them through links.
mkdir -p "$work/inc"
ln -s /usr/include/yaml-cpp "$work/inc/yaml-cpp"
ln -s /usr/include/qt6keychain "$work/inc/qt6keychain"

set -- -std=c++20 -fsyntax-only -w -I"$work/shadow"
for m in "" QtCore QtGui QtWidgets QtNetwork QtCharts QtSvg; do set -- "$@" -I"$qt/$m"; done
for d in services models views reports app/common app/cli app/gui; do set -- "$@" -I"$root/$d"; done
for d in "$build"/*/*_autogen/include "$build"/app/*/*_autogen/include; do
    [ -d "$d" ] && set -- "$@" -I"$d"
done
set -- "$@" -I/usr/include/postgresql -I"$work/inc" \
    -DQT_NO_URL_CAST_FROM_STRING -DQT_NO_NARROWING_CONVERSIONS_IN_CONNECT -DQT_STRICT_ITERATORS \
    -DPGHA_VERSION='"portability-check"'

failed=0
checked=0
[ -n "$files" ] || files=$(cd "$root" && find services models views reports app -name '*.cpp' | sort)
for f in $files; do
    checked=$((checked + 1))
    if ! "$cxx" "$@" "$root/$f" > "$work/out" 2>&1; then
        failed=$((failed + 1))
        echo "== $f"
        grep -E 'error' "$work/out" | head -n 8
    fi
done
echo "portability-check: $checked files parsed for Windows (MinGW-w64), $failed with errors"
[ "$failed" -eq 0 ]
