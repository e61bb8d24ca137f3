#!/usr/bin/env bash
# Plans one synthesized stack the way CI reviews it: cdktf.out/stacks/<environment>/plan (the saved
# plan the apply job applies), plan.txt (what the pull request comment shows) and plan-outcome.
# Usage: scripts/ci/terraform-plan.sh <environment> <plan|deploy|destroy>
# The state lock is waited for (a deploy may hold it), not broken. Fails when terraform fails.
set -euo pipefail

environment=${1:?environment}
mode=${2:?plan, deploy or destroy}
dir="cdktf.out/stacks/${environment}"
[[ -f "${dir}/cdk.tf.json" ]] || { echo "::error::${dir}/cdk.tf.json is missing: synthesize first (npx cdktf synth)"; exit 1; }
cd "${dir}"
rm -f plan plan.txt plan-outcome

args=(-input=false -no-color -lock-timeout=10m -out=plan)
[[ "${mode}" == destroy ]] && args+=(-destroy)

if terraform init -input=false -no-color 2>&1 | tee plan.log && terraform plan "${args[@]}" 2>&1 | tee -a plan.log; then
  terraform show -no-color plan > plan.txt
  echo success > plan-outcome
else
  tail -c 60000 plan.log > plan.txt
  echo failure > plan-outcome
  exit 1
fi
