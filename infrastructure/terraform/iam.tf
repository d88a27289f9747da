################################################################################
# IAM: one least-privilege role per Lambda, and the service roles
#
# The actions in each Lambda's document are checked against the AWS SDK calls
# its bundle contains (infrastructure/tests/lambda-iam.test.ts): a call without
# a grant, or a grant without a call, fails the tests.
################################################################################

locals {
  table_arns = [aws_dynamodb_table.tasks.arn, "${aws_dynamodb_table.tasks.arn}/index/*"]

  # Role policy per function; each document is named after its function.
  lambda_policy_documents = {
    "webhook-handler" = data.aws_iam_policy_document.webhook_handler.json
    "slack-handler"   = data.aws_iam_policy_document.slack_handler.json
    "github-actions"  = data.aws_iam_policy_document.github_actions.json
    "jira-actions"    = data.aws_iam_policy_document.jira_actions.json
    "sentry-actions"  = data.aws_iam_policy_document.sentry_actions.json
    "agent-invoker"   = data.aws_iam_policy_document.agent_invoker.json
  }
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  for_each = local.function_names

  name               = each.value
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "lambda" {
  for_each = local.function_names

  name   = "least-privilege"
  role   = aws_iam_role.lambda[each.key].id
  policy = local.lambda_policy_documents[each.key]
}

# Every Lambda: its own log group, and X-Ray for active tracing.
data "aws_iam_policy_document" "lambda_base" {
  for_each = local.function_names

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda[each.key].arn}:*"]
  }

  # X-Ray has no resource-level permissions; "*" is the only valid resource.
  statement {
    sid       = "XRayTracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "webhook_handler" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_base["webhook-handler"].json]

  statement {
    sid       = "Table"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
    resources = local.table_arns
  }

  statement {
    sid     = "Secrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_secretsmanager_secret.this["github"].arn,
      aws_secretsmanager_secret.this["webhooks"].arn,
      aws_secretsmanager_secret.this["sentry"].arn,
    ]
  }

  statement {
    sid       = "PublishTaskRequested"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.tasks.arn]
  }

  # Task tokens are not ARNs: SendTask* accept no resource but "*".
  statement {
    sid       = "CompleteWaits"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure"]
    resources = ["*"]
  }

  statement {
    sid       = "StopTasks"
    actions   = ["states:StopExecution"]
    resources = [local.execution_arn_pattern]
  }
}

data "aws_iam_policy_document" "slack_handler" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_base["slack-handler"].json]

  statement {
    sid       = "Table"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
    resources = local.table_arns
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.this["slack"].arn]
  }

  statement {
    sid       = "PublishTaskRequested"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.tasks.arn]
  }

  # Task tokens are not ARNs: SendTask* accept no resource but "*".
  statement {
    sid       = "CompleteApprovals"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure"]
    resources = ["*"]
  }

  statement {
    sid       = "StopTasks"
    actions   = ["states:StopExecution"]
    resources = [local.execution_arn_pattern]
  }

  statement {
    sid       = "AsyncFollowUp"
    actions   = ["lambda:InvokeFunction"]
    resources = ["arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_names["slack-handler"]}"]
  }
}

data "aws_iam_policy_document" "github_actions" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_base["github-actions"].json]

  statement {
    sid       = "Table"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"]
    resources = local.table_arns
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.this["github"].arn]
  }

  # Task tokens are not ARNs: SendTask* accept no resource but "*".
  statement {
    sid       = "CompleteCiWaitAtOnce"
    actions   = ["states:SendTaskSuccess"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "jira_actions" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_base["jira-actions"].json]

  # Reads the task (final comment) and appends to its timeline.
  statement {
    sid       = "Table"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = local.table_arns
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.this["jira"].arn]
  }
}

data "aws_iam_policy_document" "sentry_actions" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_base["sentry-actions"].json]

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.this["sentry"].arn]
  }
}

data "aws_iam_policy_document" "agent_invoker" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_base["agent-invoker"].json]

  # Tasks, timelines, costs and (converse) the conversation items, one table.
  statement {
    sid       = "Table"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = local.table_arns
  }

  # agents-classic: InvokeAgent on the four live aliases.
  dynamic "statement" {
    for_each = local.agents_classic ? ["InvokeAgents"] : []

    content {
      sid       = statement.value
      actions   = ["bedrock:InvokeAgent"]
      resources = [for alias in aws_bedrockagent_agent_alias.this : alias.agent_alias_arn]
    }
  }

  # converse on Bedrock: ConverseStream (InvokeModelWithResponseStream; InvokeModel
  # as the runtime contract asks) on the configured profiles and the foundation
  # models they route to; agent-runtime.tf explains each statement.
  dynamic "statement" {
    for_each = local.converse_model_statements

    content {
      sid       = statement.value.sid
      actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # converse: the tools are the three action-group Lambdas, invoked directly.
  dynamic "statement" {
    for_each = local.agents_classic ? [] : ["InvokeActionGroups"]

    content {
      sid       = statement.value
      actions   = ["lambda:InvokeFunction"]
      resources = local.action_group_function_arns
    }
  }

  # converse on the Anthropic API: its key, and no other secret.
  dynamic "statement" {
    for_each = local.uses_anthropic ? ["AnthropicSecret"] : []

    content {
      sid       = statement.value
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [aws_secretsmanager_secret.this["anthropic"].arn]
    }
  }
}

################################################################################
# Bedrock Agents Classic (agent_runtime = "agents-classic" only)
################################################################################

data "aws_iam_policy_document" "bedrock_agent_assume" {
  count = local.agents_classic ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }

    # Only this account's agents may assume the role (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "AWS:SourceArn"
      values   = ["arn:${local.partition}:bedrock:${local.region}:${local.account_id}:agent/*"]
    }
  }
}

resource "aws_iam_role" "bedrock_agent" {
  count = local.agents_classic ? 1 : 0

  name               = "AmazonBedrockExecutionRoleForAgents_${local.name}"
  assume_role_policy = data.aws_iam_policy_document.bedrock_agent_assume[0].json
}

locals {
  # The agents' models, as before issue 10: an inference profile routes to the
  # foundation model in each of its regions and IAM must allow both (the region
  # is a wildcard, the model fixed), plus the region-less model ARN that global
  # profiles are authorised against (agent-runtime.tf cites AWS).
  classic_profile_arns = [for id in sort(keys(local.bedrock_models)) : local.bedrock_models[id].profile_arn if local.bedrock_models[id].scope != "in-region"]
  classic_model_arns = distinct(concat(
    [for id in sort(keys(local.bedrock_models)) : "arn:${local.partition}:bedrock:*::foundation-model/${local.bedrock_models[id].foundation_model_id}"],
    [for model in local.global_models : "arn:${local.partition}:bedrock:::foundation-model/${model.foundation_model_id}"],
  ))
}

data "aws_iam_policy_document" "bedrock_agent" {
  count = local.agents_classic ? 1 : 0

  statement {
    sid       = "InvokeModel"
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = concat(local.classic_model_arns, local.classic_profile_arns)
  }

  dynamic "statement" {
    for_each = length(local.classic_profile_arns) > 0 ? ["ReadInferenceProfiles"] : []

    content {
      sid       = statement.value
      actions   = ["bedrock:GetInferenceProfile"]
      resources = local.classic_profile_arns
    }
  }
}

resource "aws_iam_role_policy" "bedrock_agent" {
  count = local.agents_classic ? 1 : 0

  name   = "invoke-model"
  role   = aws_iam_role.bedrock_agent[0].id
  policy = data.aws_iam_policy_document.bedrock_agent[0].json
}

################################################################################
# Step Functions
################################################################################

# Trust of the orchestration's service roles: only this account's Step Functions
# (the state machine) and EventBridge (the rule that starts it) may assume them.
data "aws_iam_policy_document" "service_assume" {
  for_each = toset(["states", "events"])

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${local.name}-orchestrator"
  assume_role_policy = data.aws_iam_policy_document.service_assume["states"].json
}

data "aws_iam_policy_document" "state_machine" {
  # Exactly the functions the definition calls (with any version or alias qualifier).
  statement {
    sid     = "InvokeTaskLambdas"
    actions = ["lambda:InvokeFunction"]
    resources = flatten([
      for key in ["agent-invoker", "slack-handler", "github-actions", "jira-actions"] :
      [local.function_arns[key], "${local.function_arns[key]}:*"]
    ])
  }

  # CloudWatch Logs delivery for vended logs: these APIs do not support
  # resource-level permissions, so "*" is the only valid resource.
  statement {
    sid = "ExecutionLogDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  # X-Ray has no resource-level permissions; "*" is the only valid resource.
  statement {
    sid       = "XRayTracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "orchestrator"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

################################################################################
# EventBridge -> Step Functions
################################################################################

resource "aws_iam_role" "events" {
  name               = "${local.name}-events-to-orchestrator"
  assume_role_policy = data.aws_iam_policy_document.service_assume["events"].json
}

data "aws_iam_policy_document" "events" {
  statement {
    sid       = "StartOrchestrator"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.orchestrator.arn]
  }
}

resource "aws_iam_role_policy" "events" {
  name   = "start-orchestrator"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}
