################################################################################
# Endpoints to configure in Jira, GitHub, Sentry and Slack
################################################################################

output "api_endpoint" {
  description = "Base URL of the HTTP API (no trailing slash)."
  value       = local.api_endpoint
}

output "health_url" {
  description = "GET this to check the deployment."
  value       = "${local.api_endpoint}/health"
}

output "jira_webhook_url" {
  description = "Jira: System > WebHooks > URL (with the jira webhook secret)."
  value       = "${local.api_endpoint}/webhooks/jira"
}

output "github_webhook_url" {
  description = "GitHub organization webhook Payload URL (content type application/json, with the github webhook secret)."
  value       = "${local.api_endpoint}/webhooks/github"
}

output "sentry_webhook_url" {
  description = "Sentry internal integration Webhook URL."
  value       = "${local.api_endpoint}/webhooks/sentry"
}

output "slack_commands_url" {
  description = "Slack app: Slash command /agent Request URL."
  value       = "${local.api_endpoint}/slack/commands"
}

output "slack_interactions_url" {
  description = "Slack app: Interactivity Request URL."
  value       = "${local.api_endpoint}/slack/interactions"
}

output "webhook_urls" {
  description = "Every inbound URL by name, for scripts."
  value = {
    jira               = "${local.api_endpoint}/webhooks/jira"
    github             = "${local.api_endpoint}/webhooks/github"
    sentry             = "${local.api_endpoint}/webhooks/sentry"
    slack_commands     = "${local.api_endpoint}/slack/commands"
    slack_interactions = "${local.api_endpoint}/slack/interactions"
    health             = "${local.api_endpoint}/health"
  }
}

################################################################################
# Agents, workflow and data
################################################################################

output "agent_runtime" {
  description = "How the agents run: runtime (converse or agents-classic), model provider and the model per agent."
  value = {
    runtime  = var.agent_runtime
    provider = local.agents_classic ? "bedrock" : var.model_provider
    models   = var.agent_models
  }
}

output "agents" {
  description = "agents-classic only: Bedrock agent id, alias id and alias ARN per agent (discovery, planning, execution, cicd). Empty with the converse runtime."
  value = {
    for agent, alias in aws_bedrockagent_agent_alias.this : agent => {
      agent_id  = alias.agent_id
      alias_id  = alias.agent_alias_id
      alias_arn = alias.agent_alias_arn
    }
  }
}

output "table_name" {
  description = "The DynamoDB table holding tasks, timelines, approvals and costs."
  value       = aws_dynamodb_table.tasks.name
}

output "state_machine_arn" {
  description = "ARN of the orchestrator state machine."
  value       = aws_sfn_state_machine.orchestrator.arn
}

output "event_bus_name" {
  description = "EventBridge bus receiving TaskRequested events."
  value       = aws_cloudwatch_event_bus.tasks.name
}

output "event_archive_name" {
  description = "EventBridge archive to replay TaskRequested events from."
  value       = aws_cloudwatch_event_archive.tasks.name
}

output "events_dlq_url" {
  description = "SQS dead-letter queue of TaskRequested events that could not start the orchestrator."
  value       = aws_sqs_queue.events_dlq.url
}

output "secret_arns" {
  description = "Secrets Manager ARN per secret (github, jira, slack, sentry, webhooks; anthropic with model_provider = anthropic)."
  value       = { for name, secret in aws_secretsmanager_secret.this : name => secret.arn }
}

output "secrets_without_value" {
  description = "Secrets Terraform wrote no value for: put them with aws secretsmanager put-secret-value (README)."
  value       = sort(tolist(setsubtract(local.secret_names, local.secrets_given)))
}

output "lambda_function_names" {
  description = "Lambda function name per package."
  value       = local.function_names
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies; subscribe more endpoints to it as needed."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_url" {
  description = "CloudWatch dashboard of the deployment."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.main.dashboard_name}"
}
