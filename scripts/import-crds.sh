#!/usr/bin/env bash
# Regenerates lib/imports (committed) from the pinned upstream CRDs in ../shared/upstream/crds.
# Each CRD gets its own module name so that two kinds of one API group do not overwrite each other.
set -euo pipefail
cd "$(dirname "$0")/.."
U=../shared/upstream/crds
imports=(
  flux-helmrelease:=$U/flux/helmreleases.helm.toolkit.fluxcd.io.yaml
  flux-helmrepository:=$U/flux-source/helmrepositories.source.toolkit.fluxcd.io.yaml
  flux-gitrepository:=$U/flux-source/gitrepositories.source.toolkit.fluxcd.io.yaml
  flux-kustomization:=$U/flux-kustomize/kustomizations.kustomize.toolkit.fluxcd.io.yaml
  argocd-application:=$U/argocd/applications.argoproj.io.yaml
  knative-service:=$U/knative-serving/services.serving.knative.dev.yaml
  knative-broker:=$U/knative-eventing/brokers.eventing.knative.dev.yaml
  knative-trigger:=$U/knative-eventing/triggers.eventing.knative.dev.yaml
  knative-pingsource:=$U/knative-eventing/pingsources.sources.knative.dev.yaml
  knative-sequence:=$U/knative-eventing/sequences.flows.knative.dev.yaml
  knative-parallel:=$U/knative-eventing/parallels.flows.knative.dev.yaml
  knative-inmemorychannel:=$U/knative-eventing/inmemorychannels.messaging.knative.dev.yaml
  knative-kafkasource:=$U/knative-kafka/kafkasources.sources.knative.dev.yaml
  knative-kafkasink:=$U/knative-kafka/kafkasinks.eventing.knative.dev.yaml
  knative-operator-serving:=$U/knative-operator/knativeservings.operator.knative.dev.yaml
  knative-operator-eventing:=$U/knative-operator/knativeeventings.operator.knative.dev.yaml
  openfaas-function:=$U/openfaas/functions.openfaas.com.yaml
  openfaas-profile:=$U/openfaas/profiles.openfaas.com.yaml
  kong-plugin:=$U/kong/kongplugins.configuration.konghq.com.yaml
  kong-clusterplugin:=$U/kong/kongclusterplugins.configuration.konghq.com.yaml
  kong-consumer:=$U/kong/kongconsumers.configuration.konghq.com.yaml
  kong-consumergroup:=$U/kong/kongconsumergroups.configuration.konghq.com.yaml
  kong-upstreampolicy:=$U/kong/kongupstreampolicies.configuration.konghq.com.yaml
  gateway-httproute:=$U/gateway-api/httproutes.gateway.networking.k8s.io.yaml
  strimzi-kafka:=$U/strimzi/kafkas.kafka.strimzi.io.yaml
  strimzi-nodepool:=$U/strimzi/kafkanodepools.kafka.strimzi.io.yaml
  strimzi-topic:=$U/strimzi/kafkatopics.kafka.strimzi.io.yaml
  strimzi-user:=$U/strimzi/kafkausers.kafka.strimzi.io.yaml
  prom-servicemonitor:=$U/prometheus-operator/servicemonitors.monitoring.coreos.com.yaml
  prom-podmonitor:=$U/prometheus-operator/podmonitors.monitoring.coreos.com.yaml
  prom-rule:=$U/prometheus-operator/prometheusrules.monitoring.coreos.com.yaml
  prom-alertmanagerconfig:=$U/prometheus-operator/alertmanagerconfigs.monitoring.coreos.com.yaml
)
for i in "${imports[@]}"; do
  npx cdk8s import "$i" -l typescript -o lib/imports
done
