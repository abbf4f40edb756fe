#!/bin/sh
# One organisation scan on AWS Batch: the plan, an array job of N shards that starts
# when the plan succeeded, and the merge that starts when every shard succeeded.
# Register the three job definitions once (and after each change):
#   for f in plan shard merge; do
#     aws batch register-job-definition --cli-input-json "file://$f.job-definition.json"
#   done
set -eu
cd "$(dirname "$0")"
# Every run writes below its own prefix of the evidence bucket.
run_id="$(date -u +%Y%m%dT%H%M%SZ)"
run_env="environment=[{name=RUN_ID,value=$run_id}]"

plan_id="$(aws batch submit-job --cli-input-json file://submit-plan.json \
  --container-overrides "$run_env" --query jobId --output text)"
# An array job depending on a single job: every child waits for the plan.
shards_id="$(aws batch submit-job --cli-input-json file://submit-shards.json \
  --container-overrides "$run_env" --depends-on "jobId=$plan_id" --query jobId --output text)"
# A single job depending on an array job: it starts when every child succeeded.
merge_id="$(aws batch submit-job --cli-input-json file://submit-merge.json \
  --container-overrides "$run_env" --depends-on "jobId=$shards_id" --query jobId --output text)"
echo "run $run_id: plan $plan_id, shards $shards_id, merge $merge_id"
