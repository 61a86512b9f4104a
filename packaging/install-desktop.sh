#!/usr/bin/env bash
# Put TuneStudio in the desktop's applications menu (freedesktop: GNOME, KDE, Xfce, ...), for this user.
#
#   install-desktop.sh [EXECUTABLE]     # default: the bundle this script sits in, else `tunestudio` on PATH
#   install-desktop.sh --uninstall
#
# Works from the repository (packaging/) and from a bundle (`make package` copies it beside the
# executable). Writes ~/.local/share/applications/tunestudio.desktop and the scalable icon.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
desktop_out="$data/applications/tunestudio.desktop"
icon_out="$data/icons/hicolor/scalable/apps/tunestudio.svg"

refresh() {  # optional caches: menus pick the entry up without them too, only later
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$desktop_out" "$icon_out"
    refresh
    echo "removed $desktop_out and $icon_out"
    exit 0
fi

exe="${1:-}"
if [ -z "$exe" ]; then
    if [ -x "$here/tunestudio" ] && [ -d "$here/_internal" ]; then
        exe="$here/tunestudio"
    else
        exe="$(command -v tunestudio || true)"
    fi
fi
if [ -z "$exe" ] || [ ! -x "$exe" ]; then
    echo "install-desktop: no TuneStudio executable found; pass its path (e.g. dist/tunestudio/tunestudio)" >&2
    exit 2
fi
exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"

template=""
for candidate in "$here/tunestudio.desktop" "$here/../packaging/tunestudio.desktop"; do
    [ -f "$candidate" ] && template="$candidate" && break
done
icon=""
for candidate in "$here/../resources/icons/tunestudio.svg" "$here/_internal/app/resources/icons/tunestudio.svg"; do
    [ -f "$candidate" ] && icon="$candidate" && break
done
if [ -z "$template" ] || [ -z "$icon" ]; then
    echo "install-desktop: tunestudio.desktop or the icon is missing next to $0" >&2
    exit 2
fi

# Exec and TryExec take the absolute path, quoted as the Desktop Entry spec asks.
quoted="\"$(printf '%s' "$exe" | sed -e 's/[\\"`$]/\\&/g')\""
mkdir -p "$(dirname "$desktop_out")" "$(dirname "$icon_out")"
sed -e "s|^Exec=.*|Exec=${quoted//|/\\|}|" -e "s|^TryExec=.*||" "$template" \
    | awk -v tryexec="TryExec=$exe" '{print} /^Exec=/{print tryexec}' > "$desktop_out"
chmod 644 "$desktop_out"
install -m 644 "$icon" "$icon_out"
refresh
echo "installed $desktop_out (Exec $exe) and $icon_out"
