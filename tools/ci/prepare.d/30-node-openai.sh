#!/usr/bin/env bash
# Node.js and the official OpenAI Node SDK (npm `openai`, pinned in tools/node/package-lock.json) for the
# OpenAiCompatibilityTest of extension/rest/deployment, which drives the OpenAI-compatible endpoint from a real Node process. The SDK goes into the
# project-local tools/node/node_modules (gitignored), never a global install. Without node/npm or the package the test
# skips locally and fails under CI=true, so CI installs them here. Idempotent: `npm ci` only when the installed version
# differs from the lock file's.
set -euo pipefail
cd "$(dirname "$0")/../../node"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "node-openai: installing Debian nodejs and npm"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm >/dev/null
  else
    echo "node-openai: node/npm absent and cannot install them (needs root and apt-get): OpenAiNodeSdkTest will skip (or fail under CI=true)"
    exit 0
  fi
fi

wanted=$(node -e "console.log(require('./package-lock.json').packages['node_modules/openai'].version)")
installed=$(node -e "try { console.log(require('./node_modules/openai/package.json').version) } catch (e) { console.log('none') }")
if [ "$wanted" = "$installed" ]; then
  echo "node-openai: openai $installed present (node $(node --version))"
else
  echo "node-openai: npm ci (openai $wanted, node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error
fi
