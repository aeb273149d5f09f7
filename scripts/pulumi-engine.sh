#!/usr/bin/env bash
# The Pulumi engine for `pulumi up` of bin/pulumi.ts, built from the Go module proxy (the hosts that
# ship Pulumi's prebuilt CLI and plugins are not reachable from here).
#
#   scripts/pulumi-engine.sh build                  build (or reuse) pulumi, pulumi-language-nodejs
#                                                   and pulumi-resource-kubernetes
#   scripts/pulumi-engine.sh bin-dir                prints the folder of the cached binaries
#   scripts/pulumi-engine.sh plugin-install [HOME]  puts the kubernetes provider into the plugin cache of
#                                                   HOME (default ${PULUMI_HOME:-~/.pulumi}) as
#                                                   plugins/resource-kubernetes-v<version>/
#   scripts/pulumi-engine.sh smoke                  throwaway PULUMI_HOME + file:// backend, a one-ConfigMap
#                                                   program on /work/main/node_modules; `pulumi preview`
#                                                   against a cluster that does not exist, then, when
#                                                   scripts/control-plane.sh has its binaries, `pulumi up`
#                                                   and `pulumi destroy` on a real control plane
#
# Binaries are cached outside the clone, keyed by version:
#   ${HYBRID_SERVERLESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybrid-serverless}/pulumi/<versions>/
#
# How the engine finds them (no download is ever needed):
#   - pulumi-language-nodejs sits next to `pulumi`: the CLI looks for its bundled language hosts beside
#     its own executable, so running "$(scripts/pulumi-engine.sh bin-dir)/pulumi" is enough.
#   - pulumi-resource-kubernetes: `plugin-install` links it into the plugin cache under the exact
#     version @pulumi/kubernetes (npm) asks for, which works with PULUMI_IGNORE_AMBIENT_PLUGINS set and
#     prints no warning. Putting bin-dir on PATH also works (an "ambient" plugin, any version), but the
#     engine then warns "using pulumi-resource-kubernetes from $PATH" on every run.
#   Set PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true so a missing plugin is an error, not a download.
#
# What is built, and why this way:
#   - pulumi: github.com/pulumi/pulumi/pkg/v3 ./cmd/pulumi. pkg/v3 replaces sdk/v3 with ../sdk, which
#     `go install` refuses; a throwaway wrapper module requires pkg/v3 and points sdk/v3 at the same
#     published version (plus pkg/v3's other replace, read from its go.mod).
#   - pulumi-language-nodejs: Pulumi's own host is a separate Go module
#     (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that the module proxy
#     reachable here does not serve (403 for every version), and the sdk/v3 zip leaves its folder out.
#     scripts/pulumi-engine/language-nodejs/main.go is a small host written for this project against
#     sdk/v3's gRPC contract; it runs @pulumi/pulumi's own `cmd/run` from the program's node_modules.
#   - pulumi-resource-kubernetes: github.com/pulumi/pulumi-kubernetes/provider/v4 has no tagged
#     versions on the proxy (releases are tagged v4.x.y at the repository root, not provider/v4.x.y);
#     the proxy serves one pseudo-version, commit f47bc2d6f199 of 2026-01-15 (the eve of v4.25.0).
#     Its ../sdk replace points at sdk/v4 v4.25.0. Its main package go:embeds schema-embed.json and
#     terraform-mapping-embed.json, which `go generate` makes from schema.json and
#     terraform-mapping.json and which are not in the module zip: the wrapper copies those two files
#     and the module's own generate.go and runs it with VERSION set. The binary reports (ldflag) and is
#     installed as the version @pulumi/kubernetes asks for, KUBERNETES_PLUGIN_VERSION below: the
#     engine wants that exact version, else it tries to download one.
set -euo pipefail

PULUMI_VERSION=v3.248.0                                  # = @pulumi/pulumi in package-lock.json
KUBERNETES_PROVIDER_MODULE=v4.0.0-20260115033456-f47bc2d6f199   # the only provider/v4 the proxy serves
KUBERNETES_SDK_GO_VERSION=v4.25.0                        # for provider/v4's `../sdk` replace
KUBERNETES_PLUGIN_VERSION=4.34.2                         # = @pulumi/kubernetes in package-lock.json

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
LANGHOST_SRC="$SCRIPT_DIR/pulumi-engine/language-nodejs/main.go"
LANGHOST_KEY="$(sha256sum "$LANGHOST_SRC" | cut -c1-8)"
CACHE_ROOT="${HYBRID_SERVERLESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybrid-serverless}"
BIN_DIR="$CACHE_ROOT/pulumi/pulumi-$PULUMI_VERSION-langhost-$LANGHOST_KEY-kubernetes-$KUBERNETES_PLUGIN_VERSION-${KUBERNETES_PROVIDER_MODULE##*-}"
BINARIES=(pulumi pulumi-language-nodejs pulumi-resource-kubernetes)

log() { printf '[pulumi-engine] %s\n' "$*" >&2; }

have_all() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
}

# The npm packages decide what the engine will ask for; say so when the pins drift from them.
check_npm_versions() {
  local lock="$REPO_ROOT/package-lock.json" v
  [[ -f "$lock" ]] || return 0
  v="$(node -e 'const l=require(process.argv[1]).packages||{};const p=l["node_modules/@pulumi/kubernetes"];process.stdout.write(p?p.version:"")' "$lock" 2>/dev/null || true)"
  if [[ -n "$v" && "$v" != "$KUBERNETES_PLUGIN_VERSION" ]]; then
    log "WARNING: package-lock.json has @pulumi/kubernetes $v but KUBERNETES_PLUGIN_VERSION=$KUBERNETES_PLUGIN_VERSION:"
    log "         the engine will look for resource-kubernetes-v$v and try to download it"
  fi
  v="$(node -e 'const l=require(process.argv[1]).packages||{};const p=l["node_modules/@pulumi/pulumi"];process.stdout.write(p?p.version:"")' "$lock" 2>/dev/null || true)"
  if [[ -n "$v" && "v$v" != "$PULUMI_VERSION" ]]; then
    log "note: package-lock.json has @pulumi/pulumi $v, the CLI is $PULUMI_VERSION"
  fi
}

gomod_of() { # module@version -> path of its go.mod in the module cache
  go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p'
}

# pkg/v3 replaces sdk/v3 with ../sdk: point it at the same published version; keep pkg/v3's other
# (module => module version) replaces as they are.
build_cli() {
  local work="$1" gomod
  mkdir -p "$work/cli" && cd "$work/cli"
  go mod init hybrid-serverless.local/pulumi-build >/dev/null 2>&1
  gomod="$(gomod_of "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION")"
  {
    echo "require github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION"
    echo "replace ("
    sed -n 's#^\(replace \)\?\s*\(github.com/pulumi/pulumi/[a-z0-9/]*\) => \.\./.*#\t\2 => \2 '"$PULUMI_VERSION"'#p' "$gomod"
    sed -n 's#^\(replace \)\?\s*\([^ ]*\) => \([^ .][^ ]*\) \(v[^ ]*\)$#\t\2 => \3 \4#p' "$gomod"
    echo ")"
  } >> go.mod
  log "wrapper module: pulumi/pkg/v3 $PULUMI_VERSION, replaces: $(sed -n '/^replace (/,/^)/p' go.mod | grep -c '=>')"
  GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$BIN_DIR.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_langhost() {
  local work="$1"
  mkdir -p "$work/langhost" && cd "$work/langhost"
  go mod init hybrid-serverless.local/pulumi-language-nodejs >/dev/null 2>&1
  cp "$LANGHOST_SRC" main.go
  echo "require github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION" >> go.mod
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$BIN_DIR.tmp/pulumi-language-nodejs" .
}

build_kubernetes_provider() {
  local work="$1" mod="github.com/pulumi/pulumi-kubernetes/provider/v4" dir
  mkdir -p "$work/k8s" && cd "$work/k8s"
  go mod init hybrid-serverless.local/pulumi-resource-kubernetes >/dev/null 2>&1
  {
    echo "require $mod $KUBERNETES_PROVIDER_MODULE"
    echo "replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 $KUBERNETES_SDK_GO_VERSION"
  } >> go.mod
  dir="$(go mod download -json "$mod@$KUBERNETES_PROVIDER_MODULE" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')"
  # the provider's own main, with the two files its go:generate step makes
  cat > main.go <<'EOF'
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() { provider.Serve("kubernetes", version.Version, schema, terraformMapping) }
EOF
  mkdir gen
  cp "$dir/cmd/pulumi-resource-kubernetes/"{generate.go,schema.json,terraform-mapping.json} gen/
  chmod u+w gen/*
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1
  (cd gen && VERSION="$KUBERNETES_PLUGIN_VERSION" GOFLAGS=-mod=mod go run generate.go)
  mv gen/schema-embed.json gen/terraform-mapping-embed.json .
  rm -rf gen
  log "schema-embed.json generated ($(wc -c < schema-embed.json) bytes, version $KUBERNETES_PLUGIN_VERSION)"
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X $mod/pkg/version.Version=$KUBERNETES_PLUGIN_VERSION" \
    -o "$BIN_DIR.tmp/pulumi-resource-kubernetes" .
}

cmd_build() {
  check_npm_versions
  if have_all; then
    log "cached: $BIN_DIR"
    return 0
  fi
  command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
  local work t0 t1
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  rm -rf "$BIN_DIR.tmp"; mkdir -p "$BIN_DIR.tmp"
  t0=$(date +%s); t1=$t0
  log "building pulumi $PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3 ./cmd/pulumi) with $(go version | cut -d' ' -f3)"
  (build_cli "$work")
  log "pulumi built in $(( $(date +%s) - t1 )) s"; t1=$(date +%s)
  log "building pulumi-language-nodejs (scripts/pulumi-engine/language-nodejs, sdk/v3 $PULUMI_VERSION)"
  (build_langhost "$work")
  log "pulumi-language-nodejs built in $(( $(date +%s) - t1 )) s"; t1=$(date +%s)
  log "building pulumi-resource-kubernetes $KUBERNETES_PLUGIN_VERSION (provider/v4 $KUBERNETES_PROVIDER_MODULE)"
  (build_kubernetes_provider "$work")
  log "pulumi-resource-kubernetes built in $(( $(date +%s) - t1 )) s"
  rm -rf "$BIN_DIR"; mv "$BIN_DIR.tmp" "$BIN_DIR"
  log "all built in $(( $(date +%s) - t0 )) s into $BIN_DIR"
  local b
  for b in "${BINARIES[@]}"; do log "  $(du -h "$BIN_DIR/$b" | cut -f1)	$b"; done
  "$BIN_DIR/pulumi" version >&2
}

cmd_plugin_install() {
  local home="${1:-${PULUMI_HOME:-$HOME/.pulumi}}"
  have_all || { log "binaries not built: run scripts/pulumi-engine.sh build"; exit 2; }
  local dir="$home/plugins/resource-kubernetes-v$KUBERNETES_PLUGIN_VERSION"
  mkdir -p "$dir"
  rm -f "$dir.partial"
  ln -sfn "$BIN_DIR/pulumi-resource-kubernetes" "$dir/pulumi-resource-kubernetes"
  log "kubernetes plugin $KUBERNETES_PLUGIN_VERSION -> $dir"
}

# A cluster address where nothing listens: port 9 (discard) on loopback.
unreachable_kubeconfig() {
  cat <<'EOF'
apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}
users:
- name: nobody
  user: {token: "not-a-token"}
contexts:
- name: nowhere
  context: {cluster: nowhere, user: nobody}
current-context: nowhere
EOF
}

smoke_project() { # dir
  local p="$1"
  mkdir -p "$p"
  ln -s "$REPO_ROOT/node_modules" "$p/node_modules"
  cat > "$p/Pulumi.yaml" <<'EOF'
name: engine-smoke
runtime:
  name: nodejs
  options:
    typescript: true
description: scripts/pulumi-engine.sh smoke
EOF
  cat > "$p/package.json" <<'EOF'
{"name": "engine-smoke", "private": true, "main": "index.ts",
 "dependencies": {"@pulumi/pulumi": "*", "@pulumi/kubernetes": "*"}}
EOF
  cat > "$p/tsconfig.json" <<'EOF'
{"compilerOptions": {"strict": true, "target": "ES2020", "module": "commonjs", "moduleResolution": "node",
 "skipLibCheck": true, "types": []}, "files": ["index.ts"]}
EOF
  cat > "$p/index.ts" <<'EOF'
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

const config = new pulumi.Config();
const provider = new k8s.Provider("target", { kubeconfig: config.require("kubeconfig") });
const cm = new k8s.core.v1.ConfigMap("engine-smoke", {
  metadata: { name: "engine-smoke", namespace: "default" },
  data: { built: "from the Go module proxy" },
}, { provider });
export const name = cm.metadata.name;
EOF
}

# Failures that mean the engine, language host or plugin did not load, as opposed to the cluster
# being unreachable.
PLUGIN_FAILURE='no resource plugin|could not find|not installed|failed to load|download|get.pulumi.com|language plugin|could not start|Could not resolve'

cmd_smoke() {
  have_all || { log "binaries not built: run scripts/pulumi-engine.sh build"; exit 2; }
  [[ -d "$REPO_ROOT/node_modules/@pulumi/kubernetes" ]] || { log "node_modules lacks @pulumi/kubernetes: run npm ci"; exit 2; }
  local tmp t0 rc=0 out
  tmp="$(mktemp -d)"
  local cp_dir="$tmp/cluster"
  # shellcheck disable=SC2064
  trap "'$SCRIPT_DIR/control-plane.sh' stop '$cp_dir' >/dev/null 2>&1 || true; rm -rf '$tmp'" EXIT
  export PULUMI_HOME="$tmp/home" PULUMI_CONFIG_PASSPHRASE=smoke
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_IGNORE_AMBIENT_PLUGINS=true
  export PULUMI_SKIP_CONFIRMATIONS=true
  local pulumi="$BIN_DIR/pulumi"
  cmd_plugin_install "$PULUMI_HOME"
  smoke_project "$tmp/project"
  cd "$tmp/project"
  mkdir -p "$tmp/state"
  "$pulumi" login "file://$tmp/state" >&2
  "$pulumi" stack init smoke --non-interactive >&2
  "$pulumi" config set --secret kubeconfig "$(unreachable_kubeconfig)" >&2

  t0=$(date +%s)
  log "pulumi preview against https://127.0.0.1:9 (nothing listens there)"
  out="$("$pulumi" preview --non-interactive --diff 2>&1)" || rc=$?
  printf '%s\n' "$out" | sed 's/^/  | /' >&2
  if grep -Eiq "$PLUGIN_FAILURE" <<<"$out"; then
    log "smoke FAILED: the engine could not load a plugin (exit $rc)"; return 1
  fi
  if ! grep -q 'kubernetes:core/v1:ConfigMap' <<<"$out"; then
    log "smoke FAILED: the preview did not reach the ConfigMap (exit $rc)"; return 1
  fi
  log "preview: engine, language host and kubernetes plugin $KUBERNETES_PLUGIN_VERSION talked (exit $rc, $(( $(date +%s) - t0 )) s)"

  local cp_bin
  cp_bin="$("$SCRIPT_DIR/control-plane.sh" bin-dir)"
  if [[ "${SMOKE_CLUSTER:-1}" == 0 || ! -x "$cp_bin/kube-apiserver" ]]; then
    log "no control plane binaries (scripts/control-plane.sh build) or SMOKE_CLUSTER=0: skipping up/destroy"
    log "smoke passed (preview only)"
    return 0
  fi
  "$SCRIPT_DIR/control-plane.sh" start "$cp_dir"
  "$pulumi" config set --secret kubeconfig "$(cat "$cp_dir/kubeconfig")" >&2
  t0=$(date +%s)
  log "pulumi up on the control plane at $(cat "$cp_dir/server")"
  "$pulumi" up --yes --non-interactive --skip-preview 2>&1 | sed 's/^/  | /' >&2 || { log "smoke FAILED: pulumi up"; return 1; }
  local data
  data="$("$cp_bin/kubectl" --kubeconfig "$cp_dir/kubeconfig" get configmap engine-smoke -n default -o jsonpath='{.data.built}')"
  [[ "$data" == "from the Go module proxy" ]] || { log "smoke FAILED: ConfigMap not found after up"; return 1; }
  log "up: ConfigMap default/engine-smoke exists ($(( $(date +%s) - t0 )) s)"
  t0=$(date +%s)
  "$pulumi" destroy --yes --non-interactive --skip-preview 2>&1 | sed 's/^/  | /' >&2 || { log "smoke FAILED: pulumi destroy"; return 1; }
  if "$cp_bin/kubectl" --kubeconfig "$cp_dir/kubeconfig" get configmap engine-smoke -n default >/dev/null 2>&1; then
    log "smoke FAILED: ConfigMap still there after destroy"; return 1
  fi
  log "destroy: ConfigMap gone ($(( $(date +%s) - t0 )) s)"
  log "smoke passed (preview, up, destroy)"
}

case "${1:-}" in
  build) cmd_build ;;
  bin-dir) echo "$BIN_DIR" ;;
  plugin-install) cmd_plugin_install "${2:-}" ;;
  smoke) cmd_smoke ;;
  *) echo "usage: $0 build | bin-dir | plugin-install [PULUMI_HOME] | smoke" >&2; exit 64 ;;
esac
