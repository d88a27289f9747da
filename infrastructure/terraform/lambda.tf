################################################################################
# Lambdas: one package each, built by `npm run build` to dist/<name>.zip
################################################################################

locals {
  lambda_dist = "${path.module}/../../dist"

  # One per Lambda package (package.json "lambda" field); the tests keep the two in step.
  function_keys  = ["webhook-handler", "slack-handler", "github-actions", "jira-actions", "sentry-actions", "agent-invoker"]
  function_names = { for key in local.function_keys : key => "${local.name}-${key}" }

  common_lambda_environment = {
    TABLE_NAME            = aws_dynamodb_table.tasks.name
    LOG_LEVEL             = var.log_level
    SECRETS_CACHE_SECONDS = tostring(var.secrets_cache_seconds)
    NODE_OPTIONS          = "--enable-source-maps"
  }

  # agent-invoker is declared on its own below: its environment names these
  # functions (ACTION_GROUP_FUNCTIONS) or the agent aliases, whose action groups
  # name them (AGENTS), so one for_each over all six would be a dependency cycle.
  integration_functions = {
    "webhook-handler" = {
      description = "POST /webhooks/{jira,github,sentry} and GET /health: verified, deduplicated deliveries into tasks and workflow signals"
      memory_size = 512
      timeout     = 29 # API Gateway's integration limit is 30 s
      environment = {
        EVENT_BUS_NAME        = aws_cloudwatch_event_bus.tasks.name
        GITHUB_SECRET_ARN     = aws_secretsmanager_secret.this["github"].arn
        WEBHOOK_SECRET_ARN    = aws_secretsmanager_secret.this["webhooks"].arn
        SENTRY_SECRET_ARN     = aws_secretsmanager_secret.this["sentry"].arn
        GITHUB_ORG            = var.github_org
        GITHUB_API_URL        = var.github_api_url
        GITHUB_BOT_LOGIN      = var.github_bot_login
        JIRA_BASE_URL         = var.jira_base_url
        JIRA_TRIGGER_LABEL    = var.jira_trigger_label
        JIRA_BOT_ACCOUNT_ID   = var.jira_bot_account_id
        JIRA_ALLOWED_PROJECTS = join(",", var.jira_allowed_projects)
        SENTRY_MIN_LEVEL      = var.sentry_min_level
        MAX_BODY_BYTES        = tostring(var.max_body_bytes)
      }
    }
    "slack-handler" = {
      description = "POST /slack/{commands,interactions}, and the Step Functions tasks that notify people and request approvals"
      memory_size = 512
      timeout     = 29
      environment = {
        EVENT_BUS_NAME        = aws_cloudwatch_event_bus.tasks.name
        SLACK_SECRET_ARN      = aws_secretsmanager_secret.this["slack"].arn
        SLACK_API_URL         = var.slack_api_url
        SLACK_DEFAULT_CHANNEL = var.slack_default_channel
        SLACK_CHANNEL_MAP     = jsonencode(var.slack_channel_map)
        SLACK_APPROVERS       = join(",", var.slack_approvers)
        SLACK_APPROVER_GROUP  = var.slack_approver_group
        SELF_FUNCTION_NAME    = local.function_names["slack-handler"]
        MAX_FIX_ATTEMPTS      = tostring(var.max_fix_attempts)
      }
    }
    "github-actions" = {
      description = "Bedrock action groups for GitHub (with guardrails) and the registerCiWait Step Functions task"
      memory_size = 512
      timeout     = 120
      environment = {
        GITHUB_SECRET_ARN    = aws_secretsmanager_secret.this["github"].arn
        GITHUB_ORG           = var.github_org
        GITHUB_API_URL       = var.github_api_url
        REPO_ALLOWLIST       = join(",", var.repo_allowlist)
        BRANCH_PREFIX        = var.branch_prefix
        PROTECTED_PATHS      = join(",", var.protected_paths)
        MAX_FILE_BYTES       = tostring(var.max_file_bytes)
        MAX_FILES_PER_COMMIT = tostring(var.max_files_per_commit)
      }
    }
    "jira-actions" = {
      description = "Bedrock action group for Jira Cloud"
      memory_size = 256
      timeout     = 60
      environment = {
        JIRA_SECRET_ARN       = aws_secretsmanager_secret.this["jira"].arn
        JIRA_BASE_URL         = var.jira_base_url
        JIRA_ALLOWED_PROJECTS = join(",", var.jira_allowed_projects)
      }
    }
    "sentry-actions" = {
      description = "Bedrock action group for Sentry"
      memory_size = 256
      timeout     = 60
      environment = {
        SENTRY_SECRET_ARN = aws_secretsmanager_secret.this["sentry"].arn
        SENTRY_ORG        = var.sentry_org
        SENTRY_API_URL    = var.sentry_api_url
      }
    }
  }

  # What agent-invoker's environment (agent-runtime.tf) takes from resources.
  agent_invoker_resources = {
    # agents-classic: the live alias of each agent (empty otherwise).
    agent_aliases = {
      for agent, alias in aws_bedrockagent_agent_alias.this :
      agent => { agentId = alias.agent_id, aliasId = alias.agent_alias_id }
    }
    # converse: the Lambda that executes each action-group schema.
    action_group_functions = {
      for schema, executor in local.action_group_executors : schema => aws_lambda_function.this[executor].arn
    }
    # model_provider anthropic only (the secret exists only then).
    anthropic_secret_arn = try(aws_secretsmanager_secret.this["anthropic"].arn, null)
  }

  function_arns = merge(
    { for key, fn in aws_lambda_function.this : key => fn.arn },
    { "agent-invoker" = aws_lambda_function.agent_invoker.arn },
  )
}

# Created before the functions so that Terraform owns them (retention, deletion)
# and the roles need no logs:CreateLogGroup.
resource "aws_cloudwatch_log_group" "lambda" {
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "this" {
  for_each = local.integration_functions

  function_name    = local.function_names[each.key]
  description      = each.value.description
  role             = aws_iam_role.lambda[each.key].arn
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = [var.lambda_architecture]
  filename         = "${local.lambda_dist}/${each.key}.zip"
  source_code_hash = filebase64sha256("${local.lambda_dist}/${each.key}.zip")
  memory_size      = each.value.memory_size
  timeout          = each.value.timeout

  environment {
    variables = merge(local.common_lambda_environment, each.value.environment)
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.lambda]
}

resource "aws_lambda_function" "agent_invoker" {
  function_name    = local.function_names["agent-invoker"]
  description      = "Step Functions task: runs one agent step (converse loop or Agents Classic), records tokens and cost, enforces budgets; task lifecycle steps"
  role             = aws_iam_role.lambda["agent-invoker"].arn
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = [var.lambda_architecture]
  filename         = "${local.lambda_dist}/agent-invoker.zip"
  source_code_hash = filebase64sha256("${local.lambda_dist}/agent-invoker.zip")
  memory_size      = 512
  # Lambda's maximum. An agent step stops agent_deadline_reserve_seconds before
  # it and returns continue; the state machine's agent Tasks wait 900 s too.
  timeout = 900

  environment {
    variables = merge(local.common_lambda_environment, local.agent_invoker_environment)
  }

  tracing_config {
    mode = "Active"
  }

  lifecycle {
    # Lambda limits all environment variables of a function to 4 KB together;
    # MODEL_PRICES grows with every priced model.
    precondition {
      condition     = sum([for name, value in merge(local.common_lambda_environment, local.agent_invoker_environment) : length(name) + length(value)]) <= 4096
      error_message = "agent-invoker's environment would exceed Lambda's 4 KB limit: remove model_prices entries for models that agent_models does not use."
    }
  }

  depends_on = [aws_cloudwatch_log_group.lambda]
}

# Slow slash commands re-invoke slack-handler asynchronously; a retried
# follow-up would post twice, so Lambda must not retry it.
resource "aws_lambda_function_event_invoke_config" "slack_handler" {
  function_name                = aws_lambda_function.this["slack-handler"].function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 300
}
