#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1, built from the Go module proxy.
#
#   scripts/control-plane.sh build          build (or reuse) etcd, kube-apiserver,
#                                           kube-controller-manager and kubectl
#   scripts/control-plane.sh start DIR      throwaway PKI + etcd + apiserver + controller-manager;
#                                           writes DIR/kubeconfig and DIR/pids
#   scripts/control-plane.sh stop DIR       stops exactly the PIDs in DIR/pids
#   scripts/control-plane.sh bin-dir        prints the folder of the cached binaries
#
# Binaries are cached outside the clone, keyed by version:
#   ${HYBRID_SERVERLESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybrid-serverless}/control-plane/k8s-<v>-etcd-<v>/
set -euo pipefail

K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
CACHE_ROOT="${HYBRID_SERVERLESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybrid-serverless}"
BIN_DIR="$CACHE_ROOT/control-plane/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"
BINARIES=(etcd kube-apiserver kube-controller-manager kubectl)

log() { printf '[control-plane] %s\n' "$*" >&2; }

have_all() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
}

# k8s.io/kubernetes replaces its staging modules with ./staging paths, which `go install` refuses.
# A throwaway wrapper module requires it and points every staging module at its published
# v0.Y.Z instead (read from the module's own go.mod, so the list follows the release).
build_kubernetes() {
  local work="$1" minor major staging
  major="${K8S_VERSION#v}"; major="${major%%.*}"
  minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
  staging="v0.${K8S_VERSION#v*.}"
  mkdir -p "$work/k8s" && cd "$work/k8s"
  go mod init hybrid-serverless.local/k8s-build >/dev/null 2>&1
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
  {
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo "replace ("
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"$staging"'#p' "$gomod"
    echo ")"
  } >> go.mod
  log "wrapper module: k8s.io/kubernetes $K8S_VERSION, $(grep -c '=> k8s.io' go.mod) staging modules at $staging"
  local pkg=k8s.io/component-base/version cgo=k8s.io/client-go/pkg/version
  local date; date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local ld="-s -w"
  for p in "$pkg" "$cgo"; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$BIN_DIR.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl
}

# etcd's own root module has ./ replaces too; its server module exports the same Main.
build_etcd() {
  local work="$1"
  mkdir -p "$work/etcd" && cd "$work/etcd"
  go mod init hybrid-serverless.local/etcd-build >/dev/null 2>&1
  cat > main.go <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1
  go mod tidy >/dev/null 2>&1
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w" -o "$BIN_DIR.tmp/etcd" .
}

cmd_build() {
  if have_all; then
    log "cached: $BIN_DIR"
    return 0
  fi
  command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
  local work t0 t1
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  rm -rf "$BIN_DIR.tmp"; mkdir -p "$BIN_DIR.tmp"
  t0=$(date +%s)
  log "building etcd $ETCD_VERSION (go.etcd.io/etcd/server/v3) with $(go version | cut -d' ' -f3)"
  (build_etcd "$work")
  t1=$(date +%s); log "etcd built in $((t1 - t0)) s"
  log "building kube-apiserver, kube-controller-manager, kubectl $K8S_VERSION"
  (build_kubernetes "$work")
  log "kubernetes built in $(( $(date +%s) - t1 )) s"
  rm -rf "$BIN_DIR"; mv "$BIN_DIR.tmp" "$BIN_DIR"
  log "all built in $(( $(date +%s) - t0 )) s into $BIN_DIR"
  "$BIN_DIR/kube-apiserver" --version >&2
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_for() { # url, cacert, cert, key, seconds, pid
  local i
  for ((i = 0; i < $5 * 5; i++)); do
    kill -0 "$6" 2>/dev/null || return 1
    if curl -fsS --cacert "$2" --cert "$3" --key "$4" "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

pki() { # dir
  local d="$1/pki"
  mkdir -p "$d" && cd "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hybrid-serverless-test-ca" \
    -keyout ca.key -out ca.crt 2>/dev/null
  sign() { # name, subject, extfile-content
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
    printf '%s\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  }
  sign apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth"
  sign admin "/O=system:masters/CN=hybrid-serverless-admin" "extendedKeyUsage=clientAuth"
  sign controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
}

kubeconfig() { # file, server, cert, key, ca
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$2", certificate-authority: "$5"}
users:
- name: user
  user: {client-certificate: "$3", client-key: "$4"}
contexts:
- name: local
  context: {cluster: local, user: user}
current-context: local
EOF
}

cmd_start() {
  local dir="${1:?usage: start DIR}"
  have_all || { log "binaries not built: run scripts/control-plane.sh build"; exit 2; }
  mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
  local t0; t0=$(date +%s)
  (pki "$dir")
  local p="$dir/pki" etcd_port peer_port api_port
  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  : > "$dir/pids"
  "$BIN_DIR/etcd" --name local --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "local=http://127.0.0.1:$peer_port" \
    --quota-backend-bytes 4294967296 --unsafe-no-fsync --log-level warn \
    > "$dir/etcd.log" 2>&1 &
  echo "$! etcd" >> "$dir/pids"
  "$BIN_DIR/kube-apiserver" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" \
    --client-ca-file "$p/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota,DefaultStorageClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
    --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=false \
    > "$dir/kube-apiserver.log" 2>&1 &
  local api_pid=$!
  echo "$api_pid kube-apiserver" >> "$dir/pids"
  local server="https://127.0.0.1:$api_port"
  kubeconfig "$dir/kubeconfig" "$server" "$p/admin.crt" "$p/admin.key" "$p/ca.crt"
  kubeconfig "$dir/controller-manager.kubeconfig" "$server" "$p/controller-manager.crt" \
    "$p/controller-manager.key" "$p/ca.crt"
  if ! wait_for "$server/readyz" "$p/ca.crt" "$p/admin.crt" "$p/admin.key" 90 "$api_pid"; then
    log "kube-apiserver did not become ready; last log lines:"; tail -20 "$dir/kube-apiserver.log" >&2
    cmd_stop "$dir"; exit 1
  fi
  "$BIN_DIR/kube-controller-manager" \
    --kubeconfig "$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 \
    --use-service-account-credentials \
    --service-account-private-key-file "$p/sa.key" --root-ca-file "$p/ca.crt" \
    --cluster-signing-cert-file "$p/ca.crt" --cluster-signing-key-file "$p/ca.key" \
    --controllers '*,-node-ipam-controller,-node-lifecycle-controller,-cloud-node-lifecycle-controller,-service-lb-controller,-node-route-controller,-persistentvolume-binder-controller,-persistentvolume-attach-detach-controller,-persistentvolume-expander-controller' \
    --leader-elect=false \
    > "$dir/kube-controller-manager.log" 2>&1 &
  local cm_pid=$!
  echo "$cm_pid kube-controller-manager" >> "$dir/pids"
  # the controller-manager is working once its serviceaccount controller made the default SA
  if ! wait_for "$server/api/v1/namespaces/default/serviceaccounts/default" "$p/ca.crt" "$p/admin.crt" "$p/admin.key" 90 "$cm_pid"; then
    log "kube-controller-manager did not start; last log lines:"; tail -20 "$dir/kube-controller-manager.log" >&2
    cmd_stop "$dir"; exit 1
  fi
  echo "$server" > "$dir/server"
  log "control plane up at $server in $(( $(date +%s) - t0 )) s (kubeconfig $dir/kubeconfig)"
}

cmd_stop() {
  local dir="${1:?usage: stop DIR}" pid name
  [[ -f "$dir/pids" ]] || return 0
  # reverse order: controller-manager, apiserver, etcd
  tac "$dir/pids" | while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$dir/pids"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  bin-dir) echo "$BIN_DIR" ;;
  *) echo "usage: $0 build | start DIR | stop DIR | bin-dir" >&2; exit 64 ;;
esac
