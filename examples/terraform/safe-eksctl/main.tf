# safe-eksctl for a cluster Terraform made (terraform-aws-eks and friends: #1286, #2069, #3549 there). EKS installs
# CoreDNS before the Fargate profiles exist, so on a Fargate-only cluster its pods stay Pending for ever; this module
# runs `safe-eksctl heal` once the profiles are there (it waits for them to be ACTIVE and restarts CoreDNS only when
# it is stuck; a healthy cluster is left alone), then `safe-eksctl check` as a gate that fails the apply unless
# CoreDNS is Ready. Both run again whenever the set of profiles changes. Only the built-in terraform_data resource:
# nothing to download.
#
#   module "safe_eksctl" {
#     source           = "./safe-eksctl"        # a copy of this directory
#     cluster_name     = module.eks.cluster_name
#     region           = var.region
#     fargate_profiles = [for p in module.eks.fargate_profiles : p.fargate_profile_arn]
#   }
#
# Needs safe-eksctl on the PATH of whoever runs terraform, and the same AWS credentials Terraform uses.

variable "cluster_name" {
  description = "the EKS cluster's name"
  type        = string
}

variable "region" {
  description = "the cluster's AWS region"
  type        = string
}

variable "fargate_profiles" {
  description = "the cluster's Fargate profiles (names or ARNs): heal waits for them, and runs again when they change"
  type        = list(string)
}

variable "workloads" {
  description = "also restart the Deployments and StatefulSets a profile stranded in Pending (heal --workloads)"
  type        = bool
  default     = true
}

variable "safe_eksctl" {
  description = "the safe-eksctl command"
  type        = string
  default     = "safe-eksctl"
}

locals {
  # Values reach the shell through the environment, never pasted into the command line.
  environment = {
    SAFE_EKSCTL = var.safe_eksctl
    CLUSTER     = var.cluster_name
    REGION      = var.region
  }
}

resource "terraform_data" "heal" {
  triggers_replace = [var.cluster_name, var.region, var.fargate_profiles]

  provisioner "local-exec" {
    command     = "$SAFE_EKSCTL heal --cluster \"$CLUSTER\" --region \"$REGION\" ${var.workloads ? "--workloads" : ""}"
    environment = local.environment
  }
}

# The gate: read-only, exit 1 (and a failed apply) unless every profile is ACTIVE and CoreDNS is Ready.
resource "terraform_data" "check" {
  triggers_replace = [terraform_data.heal.id]

  provisioner "local-exec" {
    command     = "$SAFE_EKSCTL check --cluster \"$CLUSTER\" --region \"$REGION\""
    environment = local.environment
  }
}
