#!/usr/bin/env python3
"""Offline checks of deploy/helm/preflight, run by scripts/check-chart.sh in its venv.

  check_chart.py render     render every case (and the ones that must fail), helm lint
  check_chart.py cnpg       the CloudNativePG Cluster against deploy/helm/schemas/
  check_chart.py semantics  what the chart promises: probes, hardening, migrations, ...

Each prints one line per check ("ok ..." or "FAIL ...") and exits nonzero on a failure.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import sys
from typing import Any, Callable

import helm_python as helm
import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "preflight"
CNPG_SCHEMA = ROOT / "deploy" / "helm" / "schemas" / "cnpg-cluster.schema.json"
OUT = ROOT / "target" / "chart-render"
RELEASE = "preflight"
NAMESPACE = "preflight"
# The oldest Kubernetes the chart supports (lifecycle.preStop.sleep is on from 1.30).
KUBE_VERSION = "v1.30.0"

EXTERNAL_URL = "postgres://preflight:secret@db.example.internal:5432/preflight"

# Value sets that must render. Each also gets `helm lint --strict`.
CASES: dict[str, dict[str, Any]] = {
    "default": {},
    # An external database by URL, behind an ingress, with a fixed replica count.
    "external": {
        "replicas": 2,
        "autoscaling": {"enabled": False},
        "cnpg": {"enabled": False},
        "database": {
            "external": {"url": EXTERNAL_URL},
            "listen": {"url": "postgres://preflight:secret@db-direct.example.internal:5432/preflight"},
        },
        "ingress": {
            "enabled": True,
            "hosts": [{"host": "preflight.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
            "tls": [{"secretName": "preflight-tls", "hosts": ["preflight.example.com"]}],
        },
        "app": {
            "publicUrl": "https://preflight.example.com",
            "firstAdmin": {"existingSecret": "preflight-admin"},
        },
        "metrics": {"podAnnotations": True},
        "networkPolicy": {"externalDatabase": {"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}]}},
    },
    # An external database from an existing Secret: migrations can run before install.
    "existing-secret": {
        "cnpg": {"enabled": False},
        "database": {"external": {"existingSecret": "preflight-db", "existingSecretKey": "DATABASE_URL"}},
        "autoscaling": {"enabled": False},
        "replicas": 1,
        "serviceAccount": {"create": False},
        "networkPolicy": {"enabled": False},
    },
}

# Value sets that must not render, and what the error must say.
FAILING: dict[str, tuple[dict[str, Any], str]] = {
    "no-database": ({"cnpg": {"enabled": False}}, "preflight: no database configured"),
    "two-databases": ({"database": {"external": {"url": EXTERNAL_URL}}}, "pick one database"),
    "schema": ({"replicas": 0}, "/replicas"),
    "unknown-value": ({"replica": 3}, "additional properties 'replica' not allowed"),
}

failures = 0


def report(ok: bool, what: str, detail: str = "") -> None:
    global failures
    if ok:
        print(f"  ok   {what}")
    else:
        failures += 1
        print(f"  FAIL {what}" + (f": {detail}" if detail else ""))


def done() -> int:
    return 1 if failures else 0


# --- render -------------------------------------------------------------------------


def manifests(rendered: dict[str, str]) -> str:
    """`helm template`'s stream: one document per non-empty template, NOTES.txt left out."""
    parts = []
    for path in sorted(rendered):
        text = rendered[path].strip()
        if path.endswith("NOTES.txt") or not text:
            continue
        parts.append(f"---\n# Source: {path}\n{text}\n")
    return "".join(parts)


def render() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "kubernetes").mkdir(parents=True)
    with helm.Chart.load(CHART) as chart:
        for case, values in CASES.items():
            try:
                chart.validate_schema(values)
                rendered = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
            except helm.HelmError as e:
                report(False, f"render {case}", str(e).strip())
                continue
            stream = manifests(rendered)
            (OUT / f"{case}.yaml").write_text(stream)
            docs = [d for d in yaml.safe_load_all(stream) if d]
            # Kubernetes' own kinds, for kubernetes-validate; the CNPG Cluster has its schema.
            core = [d for d in docs if not d["apiVersion"].startswith("postgresql.cnpg.io/")]
            (OUT / "kubernetes" / f"{case}.yaml").write_text(
                "".join("---\n" + yaml.safe_dump(d, sort_keys=False) for d in core)
            )
            kinds = ", ".join(sorted(d["kind"] for d in docs))
            report(True, f"render {case}: {len(docs)} manifests ({kinds})")

            lint = helm.lint(CHART, values, strict=True, namespace=NAMESPACE, kube_version=KUBE_VERSION)
            problems = [m for m in lint.get("messages", []) if m.get("severity", 0) >= 2]
            problems_text = "; ".join(f"{m['path']}: {m['error']}" for m in problems)
            errors = "; ".join(lint.get("errors") or [])
            report(not problems and not errors, f"helm lint --strict {case} (Kubernetes {KUBE_VERSION})",
                   problems_text or errors)

        for case, (values, expected) in FAILING.items():
            try:
                chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
            except helm.HelmError as e:
                message = str(e).strip()
                report(expected in message, f"render {case} fails with {expected!r}", message)
            else:
                report(False, f"render {case} fails", "it rendered")
    return done()


# --- the CloudNativePG Cluster ------------------------------------------------------


def load(case: str) -> list[dict[str, Any]]:
    path = OUT / f"{case}.yaml"
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def cnpg() -> int:
    schema = json.loads(CNPG_SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for case in CASES:
        clusters = [d for d in load(case) if d["apiVersion"].startswith("postgresql.cnpg.io/")]
        wanted = 0 if CASES[case].get("cnpg", {}).get("enabled") is False else 1
        report(len(clusters) == wanted, f"{case}: {wanted} CloudNativePG resource(s)", f"found {len(clusters)}")
        for doc in clusters:
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in errors
            )
            report(not errors, f"{case}: {doc['kind']}/{doc['metadata']['name']} matches the CNPG schema", detail)
    return done()


# --- semantics ----------------------------------------------------------------------


def only(docs: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    found = [d for d in docs if d["kind"] == kind]
    return found[0] if len(found) == 1 else None


def env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def secret_ref(entry: dict[str, Any] | None) -> tuple[str, str] | None:
    ref = (entry or {}).get("valueFrom", {}).get("secretKeyRef")
    return (ref["name"], ref["key"]) if ref else None


def get(doc: Any, *path: Any) -> Any:
    for key in path:
        try:
            doc = doc[key]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def check(what: str, test: Callable[[], Any], detail: Callable[[], Any] = lambda: "") -> None:
    try:
        ok = bool(test())
    except Exception as e:  # a missing object is a failed check, not a crash
        report(False, what, f"{type(e).__name__}: {e}")
        return
    report(ok, what, "" if ok else str(detail()))


def hardened(pod: dict[str, Any], container: dict[str, Any]) -> bool:
    psc, csc = pod["securityContext"], container["securityContext"]
    return (
        psc["runAsNonRoot"] is True
        and psc["runAsUser"] == 65532
        and psc["seccompProfile"]["type"] == "RuntimeDefault"
        and csc["readOnlyRootFilesystem"] is True
        and csc["allowPrivilegeEscalation"] is False
        and csc["capabilities"]["drop"] == ["ALL"]
    )


def tmp_is_empty_dir(pod: dict[str, Any], container: dict[str, Any]) -> bool:
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    return "/tmp" in mounts and "emptyDir" in volumes[mounts["/tmp"]]


def semantics_case(case: str) -> None:
    values = CASES[case]
    docs = load(case)
    kinds = {d["kind"] for d in docs}
    deploy = only(docs, "Deployment")
    job = only(docs, "Job")
    service = only(docs, "Service")
    pod = get(deploy, "spec", "template", "spec") or {}
    server = get(pod, "containers", 0) or {}
    job_pod = get(job, "spec", "template", "spec") or {}
    migrate = get(job_pod, "containers", 0) or {}
    server_env, job_env = env(server), env(migrate)
    cnpg_on = values.get("cnpg", {}).get("enabled", True)
    hpa_on = values.get("autoscaling", {}).get("enabled", True)
    p = f"{case}:"

    check(f"{p} one Deployment, one Service, one migrate Job", lambda: deploy and service and job)
    # Probes, draining, hardening.
    check(f"{p} livenessProbe GET /livez on http",
          lambda: server["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"})
    check(f"{p} readinessProbe GET /readyz on http",
          lambda: server["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"})
    check(f"{p} startupProbe GET /livez", lambda: server["startupProbe"]["httpGet"]["path"] == "/livez")
    check(f"{p} preStop sleep shorter than the grace period",
          lambda: 0 < server["lifecycle"]["preStop"]["sleep"]["seconds"] < pod["terminationGracePeriodSeconds"])
    check(f"{p} server: non-root, read-only root, no privilege escalation, no capabilities",
          lambda: hardened(pod, server))
    check(f"{p} migrate Job: the same hardening", lambda: hardened(job_pod, migrate))
    check(f"{p} /tmp is an emptyDir (server and Job)",
          lambda: tmp_is_empty_dir(pod, server) and tmp_is_empty_dir(job_pod, migrate))
    check(f"{p} no service account token in the pods",
          lambda: pod["automountServiceAccountToken"] is False and job_pod["automountServiceAccountToken"] is False)
    check(f"{p} port 3000 named http", lambda: server["ports"] == [{"name": "http", "containerPort": 3000, "protocol": "TCP"}])
    # Configuration.
    check(f"{p} PREFLIGHT_MIGRATE=0 (migrations from the Job)", lambda: server_env["PREFLIGHT_MIGRATE"]["value"] == "0")
    check(f"{p} PREFLIGHT_LISTEN_ADDR=0.0.0.0:3000, PREFLIGHT_LOG_FORMAT=json",
          lambda: server_env["PREFLIGHT_LISTEN_ADDR"]["value"] == "0.0.0.0:3000"
          and server_env["PREFLIGHT_LOG_FORMAT"]["value"] == "json")
    check(f"{p} every env value is a string",
          lambda: all(isinstance(e.get("value", ""), str) for e in [*server_env.values(), *job_env.values()]))
    # Migrations.
    check(f"{p} the Job runs /app/server migrate",
          lambda: migrate["command"] == ["/app/server"] and migrate["args"] == ["migrate"])
    check(f"{p} the Job's pods never restart in place and it retries", lambda: job_pod["restartPolicy"] == "Never"
          and job["spec"]["backoffLimit"] >= 1 and job["spec"]["activeDeadlineSeconds"] > 0)
    hook = get(job, "metadata", "annotations", "helm.sh/hook")
    wanted_hook = ("pre-install,pre-upgrade" if not cnpg_on and values["database"]["external"].get("existingSecret")
                   else "post-install,pre-upgrade")
    check(f"{p} migrate hook is {wanted_hook}", lambda: hook == wanted_hook, lambda: hook)
    check(f"{p} hook delete policy", lambda: job["metadata"]["annotations"]["helm.sh/hook-delete-policy"]
          == "before-hook-creation,hook-succeeded")
    check(f"{p} Job and Deployment read DATABASE_URL from the same place",
          lambda: secret_ref(server_env.get("DATABASE_URL")) == secret_ref(job_env.get("DATABASE_URL")) is not None)
    db_ref = secret_ref(server_env.get("DATABASE_URL"))
    if cnpg_on:
        cluster = only(docs, "Cluster")
        check(f"{p} DATABASE_URL from the <cluster>-app Secret, key uri",
              lambda: db_ref == (f"{cluster['metadata']['name']}-app", "uri"), lambda: db_ref)
        check(f"{p} CNPG: 3 instances, initdb preflight/preflight, anti-affinity per host",
              lambda: cluster["spec"]["instances"] == 3
              and cluster["spec"]["bootstrap"]["initdb"] == {"database": "preflight", "owner": "preflight"}
              and cluster["spec"]["affinity"]["enablePodAntiAffinity"] is True
              and cluster["spec"]["affinity"]["topologyKey"] == "kubernetes.io/hostname")
    else:
        ext = values["database"]["external"]
        if ext.get("existingSecret"):
            check(f"{p} DATABASE_URL from database.external.existingSecret",
                  lambda: db_ref == (ext["existingSecret"], ext["existingSecretKey"]), lambda: db_ref)
        else:
            secret = only(docs, "Secret")
            check(f"{p} DATABASE_URL from the chart's Secret holding database.external.url",
                  lambda: db_ref == (secret["metadata"]["name"], "url") and secret["stringData"]["url"] == ext["url"],
                  lambda: db_ref)
        check(f"{p} no CloudNativePG Cluster", lambda: "Cluster" not in kinds)
    listen = values.get("database", {}).get("listen", {})
    if listen.get("url"):
        check(f"{p} PREFLIGHT_LISTEN_DATABASE_URL from the chart's Secret",
              lambda: secret_ref(server_env["PREFLIGHT_LISTEN_DATABASE_URL"])[1] == "listen-url")
    admin = values.get("app", {}).get("firstAdmin", {}).get("existingSecret")
    if admin:
        check(f"{p} first admin from its Secret",
              lambda: secret_ref(server_env["PREFLIGHT_ADMIN_EMAIL"]) == (admin, "PREFLIGHT_ADMIN_EMAIL")
              and secret_ref(server_env["PREFLIGHT_ADMIN_PASSWORD"]) == (admin, "PREFLIGHT_ADMIN_PASSWORD"))
    # Selection: the Service, PDB and spread constraints pick the web pods, not the Job's.
    pod_labels = get(deploy, "spec", "template", "metadata", "labels") or {}
    job_labels = get(job, "spec", "template", "metadata", "labels") or {}

    def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
        return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

    check(f"{p} Service selects the web pods and not the Job's",
          lambda: selects(service["spec"]["selector"], pod_labels) and not selects(service["spec"]["selector"], job_labels))
    check(f"{p} Service port {service and service['spec']['ports'][0]['port']} -> http",
          lambda: service["spec"]["ports"][0]["targetPort"] == "http")
    check(f"{p} Deployment selector matches its pods",
          lambda: selects(deploy["spec"]["selector"]["matchLabels"], pod_labels))
    spread = pod.get("topologySpreadConstraints", [])
    check(f"{p} spread over zones and hosts, ScheduleAnyway, on the web pods",
          lambda: {c["topologyKey"] for c in spread} == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
          and all(c["whenUnsatisfiable"] == "ScheduleAnyway" and selects(c["labelSelector"]["matchLabels"], pod_labels)
                  and not selects(c["labelSelector"]["matchLabels"], job_labels) for c in spread))
    # Scaling and disruption.
    hpa, pdb = only(docs, "HorizontalPodAutoscaler"), only(docs, "PodDisruptionBudget")
    if hpa_on:
        check(f"{p} HPA on the Deployment, and the Deployment leaves replicas to it",
              lambda: hpa["spec"]["scaleTargetRef"]["name"] == deploy["metadata"]["name"] and "replicas" not in deploy["spec"])
    else:
        check(f"{p} no HPA, replicas {values['replicas']}",
              lambda: hpa is None and deploy["spec"]["replicas"] == values["replicas"])
    replicas = values.get("autoscaling", {}).get("minReplicas", 3) if hpa_on else values["replicas"]
    if replicas > 1:
        check(f"{p} PodDisruptionBudget on the web pods",
              lambda: selects(pdb["spec"]["selector"]["matchLabels"], pod_labels)
              and not selects(pdb["spec"]["selector"]["matchLabels"], job_labels))
    else:
        check(f"{p} no PodDisruptionBudget for a single replica", lambda: pdb is None)
    # Exposure.
    ingress = only(docs, "Ingress")
    if values.get("ingress", {}).get("enabled"):
        notes = ingress["metadata"]["annotations"] if ingress else {}
        check(f"{p} Ingress: proxy-buffering off, 3600 s proxy timeouts (SSE)",
              lambda: notes["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
              and notes["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"
              and notes["nginx.ingress.kubernetes.io/proxy-send-timeout"] == "3600", lambda: notes)
        check(f"{p} Ingress routes to the Service's http port",
              lambda: all(path["backend"]["service"] == {"name": service["metadata"]["name"], "port": {"name": "http"}}
                          for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]))
    else:
        check(f"{p} no Ingress", lambda: ingress is None)
    # Network policy.
    policy = only(docs, "NetworkPolicy")
    if values.get("networkPolicy", {}).get("enabled", True):
        egress = policy["spec"]["egress"] if policy else []
        check(f"{p} NetworkPolicy covers the web and Job pods",
              lambda: selects(policy["spec"]["podSelector"]["matchLabels"], pod_labels)
              and selects(policy["spec"]["podSelector"]["matchLabels"], job_labels)
              and policy["spec"]["policyTypes"] == ["Ingress", "Egress"])
        check(f"{p} NetworkPolicy lets DNS out (UDP and TCP 53)",
              lambda: any({(x["protocol"], x["port"]) for x in r.get("ports", [])} == {("UDP", 53), ("TCP", 53)} for r in egress))
        if cnpg_on:
            cluster = only(docs, "Cluster")
            check(f"{p} NetworkPolicy lets the pods reach the CNPG pods on 5432",
                  lambda: any(get(r, "to", 0, "podSelector", "matchLabels") == {"cnpg.io/cluster": cluster["metadata"]["name"]}
                              and get(r, "ports", 0, "port") == 5432 for r in egress))
        check(f"{p} NetworkPolicy ingress only to port http",
              lambda: all(x["port"] == "http" for r in policy["spec"]["ingress"] for x in r["ports"]))
    else:
        check(f"{p} no NetworkPolicy", lambda: policy is None)
    sa = only(docs, "ServiceAccount")
    if values.get("serviceAccount", {}).get("create", True):
        check(f"{p} ServiceAccount without a token, used by the Deployment",
              lambda: sa["automountServiceAccountToken"] is False and pod["serviceAccountName"] == sa["metadata"]["name"])
    if values.get("metrics", {}).get("podAnnotations"):
        check(f"{p} prometheus.io annotations for /metrics on 3000",
              lambda: get(deploy, "spec", "template", "metadata", "annotations")
              == {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "3000"})


def semantics() -> int:
    for case in CASES:
        semantics_case(case)
    return done()


if __name__ == "__main__":
    commands = {"render": render, "cnpg": cnpg, "semantics": semantics}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(commands)}")
    sys.exit(commands[sys.argv[1]]())
