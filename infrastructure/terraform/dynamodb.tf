################################################################################
# The single table (key design in packages/core/src/db/table.ts)
################################################################################

resource "aws_dynamodb_table" "tasks" {
  name                        = "${local.name}-tasks"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "gsi1pk"
    type = "S"
  }

  attribute {
    name = "gsi1sk"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi1"
    hash_key        = "gsi1pk"
    range_key       = "gsi1sk"
    projection_type = "ALL"
  }

  # Deliveries, CI waits and similar bookkeeping expire on their own.
  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  # Encrypted with the AWS managed key (aws/dynamodb): no key policy to manage
  # and no kms:Decrypt grants needed in the Lambda roles.
  server_side_encryption {
    enabled = true
  }
}
