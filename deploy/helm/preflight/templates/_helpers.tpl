{{/* Names and labels. */}}
{{- define "preflight.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "preflight.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "preflight.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "preflight.selectorLabels" -}}
app.kubernetes.io/name: {{ include "preflight.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The web pods only: the Service, the PDB and the spread constraints must not
     count the migrate Job's pod. */}}
{{- define "preflight.webSelectorLabels" -}}
{{ include "preflight.selectorLabels" . }}
app.kubernetes.io/component: web
{{- end -}}

{{- define "preflight.labels" -}}
helm.sh/chart: {{ include "preflight.chart" . }}
{{ include "preflight.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: preflight
{{- end -}}

{{- define "preflight.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "preflight.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "preflight.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The CloudNativePG Cluster's name; its operator writes the `<name>-app` Secret. */}}
{{- define "preflight.cnpgClusterName" -}}
{{- default (printf "%s-db" (include "preflight.fullname" .)) .Values.cnpg.clusterName | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* The Secret this chart writes for URLs given as plain values. */}}
{{- define "preflight.databaseSecretName" -}}
{{- printf "%s-database" (include "preflight.fullname" .) -}}
{{- end -}}

{{/* Refuses a configuration without exactly one database. */}}
{{- define "preflight.validate" -}}
{{- $ext := .Values.database.external -}}
{{- if and $ext.url $ext.existingSecret -}}
{{- fail "preflight: set database.external.url or database.external.existingSecret, not both" -}}
{{- end -}}
{{- $external := or $ext.url $ext.existingSecret -}}
{{- if and .Values.cnpg.enabled $external -}}
{{- fail "preflight: cnpg.enabled=true and database.external.* are both set: pick one database (set cnpg.enabled=false to use the external one)" -}}
{{- end -}}
{{- if not (or .Values.cnpg.enabled $external) -}}
{{- fail "preflight: no database configured: set cnpg.enabled=true (a CloudNativePG cluster), or database.external.url or database.external.existingSecret" -}}
{{- end -}}
{{- $listen := .Values.database.listen -}}
{{- if and $listen.url $listen.existingSecret -}}
{{- fail "preflight: set database.listen.url or database.listen.existingSecret, not both" -}}
{{- end -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- if and (not (kindIs "invalid" $pdb.minAvailable)) (not (kindIs "invalid" $pdb.maxUnavailable)) -}}
{{- fail "preflight: set podDisruptionBudget.minAvailable or podDisruptionBudget.maxUnavailable, not both (set the other to null)" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) -}}
{{- fail "preflight: autoscaling.maxReplicas must be at least autoscaling.minReplicas" -}}
{{- end -}}
{{- end -}}

{{/* DATABASE_URL, from whichever database is configured. */}}
{{- define "preflight.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
{{- if .Values.cnpg.enabled }}
      name: {{ include "preflight.cnpgClusterName" . }}-app
      key: uri
{{- else if .Values.database.external.existingSecret }}
      name: {{ .Values.database.external.existingSecret }}
      key: {{ .Values.database.external.existingSecretKey }}
{{- else }}
      name: {{ include "preflight.databaseSecretName" . }}
      key: url
{{- end }}
{{- end -}}

{{/* Settings both the server and the migrate Job take. */}}
{{- define "preflight.commonEnv" -}}
- name: PREFLIGHT_LOG_FORMAT
  value: json
{{- with .Values.app.rustLog }}
- name: RUST_LOG
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Whether the chart writes the database Secret (URLs given as plain values). */}}
{{- define "preflight.writesDatabaseSecret" -}}
{{- if or (and (not .Values.cnpg.enabled) .Values.database.external.url) .Values.database.listen.url -}}
true
{{- end -}}
{{- end -}}

{{/* The migrate Job runs before install only when everything it reads exists before
     the release: a CloudNativePG cluster and a Secret this chart writes do not. */}}
{{- define "preflight.migrateHookEvents" -}}
{{- if or .Values.cnpg.enabled .Values.database.external.url -}}
post-install,pre-upgrade
{{- else -}}
pre-install,pre-upgrade
{{- end -}}
{{- end -}}

{{/* The replicas the release keeps at least (for the PodDisruptionBudget). */}}
{{- define "preflight.minReplicas" -}}
{{- if .Values.autoscaling.enabled -}}
{{- .Values.autoscaling.minReplicas -}}
{{- else -}}
{{- .Values.replicas -}}
{{- end -}}
{{- end -}}

{{- define "preflight.tmpVolume" -}}
- name: tmp
  emptyDir:
    {{- with .Values.tmpVolume.medium }}
    medium: {{ . }}
    {{- end }}
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- end -}}
