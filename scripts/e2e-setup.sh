#!/usr/bin/env bash
# Installs what the end-to-end suite needs, idempotently (each step is skipped when its
# result is already there): Debian's Chromium and ripgrep plus the headers code-server's
# native modules build against, the ripgrep cache that keeps @vscode/ripgrep offline,
# code-server 4.100.3 in the repository's gitignored .cache/code-server, and playwright-core
# (a devDependency). See ../shared/TESTING-IN-VSCODE.md (beside the repository) for why each piece is needed.
#
# Usage: bash scripts/e2e-setup.sh        (CI calls this before `npm run test:e2e`)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cs_version="4.100.3"
cs_dir="$repo/.cache/code-server"
apt_lock="${TMPDIR:-/tmp}/quarry-apt.lock"
npm_lock="${TMPDIR:-/tmp}/quarry-npm.lock"
log() { printf '[e2e-setup] %s\n' "$*"; }

# 1. Debian packages.
pkgs=(libkrb5-dev pkg-config libsecret-1-dev libx11-dev libxkbfile-dev ripgrep chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  flock "$apt_lock" $sudo_cmd apt-get update -qq
  flock "$apt_lock" env DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "apt packages present"
fi

# 2. @vscode/ripgrep looks for its archive in this cache before downloading: put Debian's rg there.
rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_tar" ]; then
  log "seeding the ripgrep cache with $(command -v rg)"
  mkdir -p "$rg_cache"
  tmp="$(mktemp -d)"
  cp "$(command -v rg)" "$tmp/rg"
  tar czf "$rg_tar.part" -C "$tmp" rg && mv "$rg_tar.part" "$rg_tar"
  rm -rf "$tmp"
fi

# 3. code-server, pinned: the newest release that runs on Node 20.
installed="$(node -p "try{require('$cs_dir/node_modules/code-server/package.json').version}catch{''}" 2>/dev/null || true)"
if [ "$installed" = "$cs_version" ] && [ -x "$cs_dir/node_modules/.bin/code-server" ]; then
  log "code-server $cs_version present in .cache/code-server"
else
  log "installing code-server $cs_version into .cache/code-server (several minutes)"
  mkdir -p "$cs_dir"
  [ -f "$cs_dir/package.json" ] || printf '{ "private": true }\n' >"$cs_dir/package.json"
  # unsafe_perm: its postinstall refuses to run as root without it; yes: it calls npx.
  (cd "$cs_dir" && npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund \
    --loglevel=error "code-server@$cs_version")
fi

# 4. playwright-core drives Debian's Chromium (never `playwright install`).
if [ ! -f "$repo/node_modules/playwright-core/package.json" ]; then
  log "installing devDependencies (playwright-core)"
  (cd "$repo" && ONNXRUNTIME_NODE_INSTALL=skip flock "$npm_lock" npm install --no-audit --no-fund)
fi
log "ready: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), code-server $cs_version"
