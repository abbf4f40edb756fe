#!/bin/sh
# One organisation scan on Kubernetes: the plan, then the shards, then the merge, each
# started when the step before it completed. Needs kubectl with access to the namespace
# made by 00-setup.yaml and the Secret govscan-keys (README.md).
set -eu
cd "$(dirname "$0")"
ns=govscan
# Each run writes below its own directory of the volume, so two runs never mix bundles.
run_id="$(date -u +%Y%m%dT%H%M%SZ)"

kubectl -n "$ns" delete job govscan-plan govscan-shards govscan-merge --ignore-not-found
kubectl -n "$ns" create configmap govscan-run --from-literal=RUN_ID="$run_id" \
  --dry-run=client -o yaml | kubectl apply -f -

kubectl apply -f 10-plan-job.yaml
kubectl -n "$ns" wait --for=condition=complete --timeout=1h job/govscan-plan
kubectl apply -f 20-shards-job.yaml
kubectl -n "$ns" wait --for=condition=complete --timeout=6h job/govscan-shards
kubectl apply -f 30-merge-job.yaml
kubectl -n "$ns" wait --for=condition=complete --timeout=1h job/govscan-merge
echo "merged bundle: /evidence/$run_id/merged on the volume govscan-evidence"
