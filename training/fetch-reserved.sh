#!/usr/bin/env bash
# Downloads the packagings of the reserved evaluation projects listed in reserved-packages.txt
# into the reserved/ folder of the gitignored training work folder, ONLY to hash their functions (harvest.py reserved) so that
# training drops any copy of them. Never used as training data.
set -u
cd "$(dirname "$0")"
W=$PWD/work; mkdir -p "$W/reserved" "$W/apt/lists/partial"
CODENAME=$(. /etc/os-release && echo "$VERSION_CODENAME")
echo "deb-src http://deb.debian.org/debian $CODENAME main" > "$W/apt/sources.list"
APTOPT="-o Dir::Etc::SourceList=$W/apt/sources.list -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$W/apt/lists"
[ -n "$(ls "$W/apt/lists" 2>/dev/null | grep Sources)" ] || apt-get $APTOPT update >/dev/null 2>&1
cd "$W/reserved"
grep -v '^#' ../../reserved-packages.txt | while read -r kind name; do
  [ -z "$kind" ] && continue
  case $kind in
    npm) npm pack --silent "$name" >/dev/null 2>&1 ;;
    deb) ls "${name}"_*.deb >/dev/null 2>&1 || apt-get download "$name" >/dev/null 2>&1 ;;
    src) ls "${name}"_*.dsc >/dev/null 2>&1 || apt-get $APTOPT source --download-only "$name" >/dev/null 2>&1 ;;
  esac || echo "failed: $kind $name" >&2
done
