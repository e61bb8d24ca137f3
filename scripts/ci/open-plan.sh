#!/usr/bin/env bash
# Opens what seal-plan.sh sealed, into the stack folder the plan was made in, so `terraform apply plan`
# applies exactly the reviewed plan. Only the environment's deploy role can decrypt the data key.
# Usage: scripts/ci/open-plan.sh <environment> <aws region> <sealed folder> <stack folder>
set -euo pipefail

environment=${1:?environment}
region=${2:?aws region}
sealed=${3:?sealed folder}
stack=${4:?stack folder}

work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
plaintext=$(aws kms decrypt --region "${region}" --ciphertext-blob "fileb://${sealed}/data-key.enc" \
  --encryption-context "environment=${environment}" --query Plaintext --output text)
PLAN_DATA_KEY=${plaintext} openssl enc -d -aes-256-cbc -pbkdf2 -iter 100000 -pass env:PLAN_DATA_KEY -in "${sealed}/stack.tgz.enc" -out "${work}/stack.tgz"
if [[ "$(sha256sum "${work}/stack.tgz" | cut -d' ' -f1)" != "$(cat "${sealed}/stack.tgz.sha256")" ]]; then
  echo "::error::the sealed plan of ${environment} does not match its checksum: refusing to apply it"
  exit 1
fi
mkdir -p "${stack}"
tar -C "${stack}" -xzf "${work}/stack.tgz"
echo "opened the reviewed plan of ${environment} in ${stack}"
