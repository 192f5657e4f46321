#!/bin/sh
# For a cluster that another tool made or changed (cdk deploy, pulumi up, terraform apply, plain eksctl): wait until
# its Fargate profiles are ACTIVE, restart CoreDNS and the workloads they stranded only if they are stuck (a healthy
# cluster is left alone), then gate on DNS working. Exit 0 only when every profile is ACTIVE and CoreDNS is Ready.
#   CLUSTER=fargate-demo REGION=us-west-2 sh after-deploy.sh
# SAFE_EKSCTL names the command when safe-eksctl is not on PATH (e.g. SAFE_EKSCTL="npx --no safe-eksctl").
set -eu
SAFE_EKSCTL="${SAFE_EKSCTL:-safe-eksctl}"
$SAFE_EKSCTL heal --cluster "$CLUSTER" --region "$REGION" --workloads
$SAFE_EKSCTL check --cluster "$CLUSTER" --region "$REGION"
