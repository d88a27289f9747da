terraform {
  # 1.10 is the first release with S3 native state locking (use_lockfile).
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.2+ retries "Prepare ... in Preparing state" when several action groups
      # prepare one agent (hashicorp/terraform-provider-aws#43232). The offline
      # schema check uses the 6.66.0 schema, so that is the floor we test against.
      version = "~> 6.66"
    }
  }

  # Partial configuration: bucket, key and region come from
  # `terraform init -backend-config=backend.hcl` (see backend.hcl.example).
  # scripts/deploy-aws.sh falls back to local state when no backend config is given.
  backend "s3" {}
}

provider "aws" {
  region = var.aws_region

  # Every taggable resource gets these: Cost Explorer can then group by Project
  # and Environment once they are activated as cost allocation tags.
  default_tags {
    tags = local.tags
  }
}
