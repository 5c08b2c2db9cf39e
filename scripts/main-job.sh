#!/usr/bin/env bash
# The main job on a fresh machine: set up, then `devenv up aws` in a scratch project folder.
# No image registry is reachable here, so the AWS emulator is moto (AWS_EMULATOR=moto) and both
# services run from the stand-in images (docs/standin-images.md); elsewhere plain
# `devenv up aws` pulls localstack/localstack and postgres:17.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
root=$PWD
mkdir -p "${DEVENV_DEMO_DIR:=/tmp/devenv-demo}"
cd "$DEVENV_DEMO_DIR"
AWS_EMULATOR=moto "$root/build/devenv" up aws \
  --set services.aws.image=devenv-standin/moto:5 \
  --set services.postgres.image=devenv-standin/postgres:17 "$@"
"$root/build/devenv" status
