#!/usr/bin/env bash
# Downloads every package listed in training/sources.txt into training/work/ (gitignored).
# npm: `npm pack`; deb: `apt-get download`; src: `apt-get source --download-only` through a
# private apt configuration (apt/ in the gitignored training work folder) so the system's sources are left untouched.
set -u
cd "$(dirname "$0")"
W=work; mkdir -p $W/npm $W/debs $W/srcpkg $W/apt/lists/partial
LIST=${1:-sources.txt}
if grep -q '^npm ' "$LIST"; then
  ( cd $W/npm && for p in $(awk '$1=="npm"{print $2}' "../../$LIST"); do
      ls "$(echo "$p" | sed 's/^@//; s#/#-#')"-[0-9]*.tgz >/dev/null 2>&1 && continue
      npm pack --silent "$p" >/dev/null 2>&1 || echo "npm pack failed: $p" >&2
    done )
fi
if grep -q '^deb ' "$LIST"; then
  ( cd $W/debs && for p in $(awk '$1=="deb"{print $2}' "../../$LIST"); do
      ls "${p}"_*.deb >/dev/null 2>&1 && continue
      apt-get download "$p" >/dev/null 2>&1 || echo "apt-get download failed: $p" >&2
    done )
fi
if grep -q '^src ' "$LIST"; then
  CODENAME=$(. /etc/os-release && echo "$VERSION_CODENAME")
  echo "deb-src http://deb.debian.org/debian $CODENAME main" > $W/apt/sources.list
  APTOPT="-o Dir::Etc::SourceList=$PWD/$W/apt/sources.list -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$PWD/$W/apt/lists"
  [ -n "$(ls $W/apt/lists 2>/dev/null | grep Sources)" ] || apt-get $APTOPT update >/dev/null 2>&1
  ( cd $W/srcpkg && for p in $(awk '$1=="src"{print $2}' "../../$LIST"); do
      ls "${p}"_*.dsc >/dev/null 2>&1 && continue
      apt-get $APTOPT source --download-only "$p" >/dev/null 2>&1 || echo "apt-get source failed: $p" >&2
    done )
fi
