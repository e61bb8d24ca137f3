#!/usr/bin/env bash
# Seals a planned stack folder (saved plan, Terraform JSON, Lambda assets, provider lock file) for the
# apply job: a saved plan holds state values, secrets included, in clear text, and a workflow artifact
# can be read by anyone who can read the repository. Envelope encryption with the bootstrap's KMS key:
# a fresh data key per plan, whose encrypted copy only the environment's deploy role may decrypt (the
# encryption context names the environment).
# Usage: scripts/ci/seal-plan.sh <environment> <aws region> <stack folder> <output folder>
set -euo pipefail

environment=${1:?environment}
region=${2:?aws region}
stack=${3:?stack folder}
out=${4:?output folder}
key_alias=${PLAN_KEY_ALIAS:-alias/genesys-cx-intelligence-ci-plans}

[[ -f "${stack}/plan" ]] || { echo "::error::${stack}/plan is missing: nothing to seal"; exit 1; }
mkdir -p "${out}"
work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT

tar -C "${stack}" --exclude=./.terraform -czf "${work}/stack.tgz" .
read -r plaintext ciphertext < <(aws kms generate-data-key --region "${region}" --key-id "${key_alias}" --key-spec AES_256 \
  --encryption-context "environment=${environment}" --query '[Plaintext,CiphertextBlob]' --output text)
printf '%s' "${ciphertext}" | base64 -d > "${out}/data-key.enc"
PLAN_DATA_KEY=${plaintext} openssl enc -aes-256-cbc -pbkdf2 -iter 100000 -salt -pass env:PLAN_DATA_KEY -in "${work}/stack.tgz" -out "${out}/stack.tgz.enc"
sha256sum "${work}/stack.tgz" | cut -d' ' -f1 > "${out}/stack.tgz.sha256"
echo "sealed ${stack} for ${environment} ($(wc -c < "${out}/stack.tgz.enc") bytes)"
