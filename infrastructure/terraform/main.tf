################################################################################
# Shared names and facts about the account
################################################################################

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name       = var.project_name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = var.aws_region

  tags = merge(var.tags, {
    Project     = var.project_name
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  state_machine_name = "${local.name}-orchestrator"

  # Built from names rather than resource attributes so that Lambda policies can
  # name the state machine's executions (and a Lambda itself) without a cycle.
  execution_arn_pattern = "arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${local.state_machine_name}:*"
}
