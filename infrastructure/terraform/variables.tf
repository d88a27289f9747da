################################################################################
# General
################################################################################

variable "aws_region" {
  description = "AWS region to deploy into (the source region of every model call). Must offer the models or inference profiles of agent_models (and Bedrock Agents with agent_runtime = agents-classic)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like us-east-1."
  }
}

variable "project_name" {
  description = "Prefix of every resource name and of the secret names (<project_name>/github, ...)."
  type        = string
  default     = "enterprise-agents"

  validation {
    # IAM role names are limited to 64 characters; the Bedrock role adds a 36-character prefix.
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.project_name))
    error_message = "project_name must be 3-24 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name, used in tags (Environment) for cost allocation."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z0-9-]{1,32}$", var.environment))
    error_message = "environment must be 1-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "tags" {
  description = "Extra tags applied to every resource through the provider's default_tags."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group (Lambdas, API access logs, state machine)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of every Lambda."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["trace", "debug", "info", "warn", "error", "fatal", "silent"], var.log_level)
    error_message = "log_level must be one of trace, debug, info, warn, error, fatal, silent."
  }
}

variable "lambda_architecture" {
  description = "CPU architecture of the Lambdas. The bundles are plain JavaScript, so arm64 (cheaper) works."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "secrets_cache_seconds" {
  description = "How long each Lambda container caches a secret value (SECRETS_CACHE_SECONDS)."
  type        = number
  default     = 300

  validation {
    condition     = var.secrets_cache_seconds >= 0 && var.secrets_cache_seconds <= 3600
    error_message = "secrets_cache_seconds must be between 0 and 3600."
  }
}

variable "table_deletion_protection" {
  description = "Protect the DynamoDB table from deletion. scripts/deploy-aws.sh --destroy turns it off first."
  type        = bool
  default     = true
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be restored. 0 deletes at once (lets you destroy and recreate with the same names)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

################################################################################
# GitHub
################################################################################

variable "github_org" {
  description = "The only GitHub organization (or user) the agents may read or write."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", var.github_org))
    error_message = "github_org must be a GitHub login: letters, digits and hyphens, at most 39 characters."
  }
}

variable "github_api_url" {
  description = "GitHub REST API base URL (https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server)."
  type        = string
  default     = "https://api.github.com"

  validation {
    condition     = can(regex("^https://", var.github_api_url))
    error_message = "github_api_url must be an https URL."
  }
}

variable "github_bot_login" {
  description = "Login of the bot account or app (for example my-agent[bot]); its own comments are ignored. Empty: none."
  type        = string
  default     = ""
}

variable "repo_allowlist" {
  description = "Repositories (owner/repo) the agents may touch. Empty: every repository of github_org."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for repo in var.repo_allowlist : can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", repo))])
    error_message = "Each repo_allowlist entry must be owner/repo."
  }
}

variable "branch_prefix" {
  description = "Prefix of every branch the agents create; they can write nowhere else."
  type        = string
  default     = "agent/"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+/$", var.branch_prefix))
    error_message = "branch_prefix must be a path segment ending with /, for example agent/."
  }
}

variable "protected_paths" {
  description = "Globs of paths the agents never write (PROTECTED_PATHS)."
  type        = list(string)
  default     = [".github/workflows/**"]
}

variable "max_file_bytes" {
  description = "Largest file the agents may write, in bytes."
  type        = number
  default     = 200000

  validation {
    condition     = var.max_file_bytes >= 1024 && var.max_file_bytes <= 1048576
    error_message = "max_file_bytes must be between 1024 and 1048576."
  }
}

variable "max_files_per_commit" {
  description = "Most files the agents may change in one commit."
  type        = number
  default     = 50

  validation {
    condition     = var.max_files_per_commit >= 1 && var.max_files_per_commit <= 500
    error_message = "max_files_per_commit must be between 1 and 500."
  }
}

################################################################################
# Jira
################################################################################

variable "jira_base_url" {
  description = "Jira Cloud site, for example https://my-company.atlassian.net."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]+)?$", var.jira_base_url))
    error_message = "jira_base_url must be https://<host> with no path or trailing slash."
  }
}

variable "jira_trigger_label" {
  description = "Label that hands a Jira ticket to the agents."
  type        = string
  default     = "AI"

  validation {
    condition     = length(var.jira_trigger_label) > 0 && !can(regex("\\s", var.jira_trigger_label))
    error_message = "jira_trigger_label must be a non-empty label without spaces."
  }
}

variable "jira_bot_account_id" {
  description = "Jira account id of the bot user; assigning a ticket to it also starts a task. Empty: label only."
  type        = string
  default     = ""
}

variable "jira_allowed_projects" {
  description = "Jira project keys whose tickets may start tasks. Empty: all projects."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for key in var.jira_allowed_projects : can(regex("^[A-Z][A-Z0-9_]+$", key))])
    error_message = "Each jira_allowed_projects entry must be a project key such as PROJ."
  }
}

################################################################################
# Sentry
################################################################################

variable "sentry_org" {
  description = "Sentry organization slug the sentry-actions Lambda reads issues from."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.sentry_org))
    error_message = "sentry_org must be a Sentry organization slug (lower-case letters, digits, - and _)."
  }
}

variable "sentry_api_url" {
  description = "Sentry base URL (https://sentry.io, https://de.sentry.io or a self-hosted URL)."
  type        = string
  default     = "https://sentry.io"

  validation {
    condition     = can(regex("^https://", var.sentry_api_url))
    error_message = "sentry_api_url must be an https URL."
  }
}

variable "sentry_min_level" {
  description = "Lowest Sentry issue level that starts a task."
  type        = string
  default     = "error"

  validation {
    condition     = contains(["debug", "info", "warning", "error", "fatal"], var.sentry_min_level)
    error_message = "sentry_min_level must be one of debug, info, warning, error, fatal."
  }
}

################################################################################
# Slack
################################################################################

variable "slack_api_url" {
  description = "Slack Web API base URL."
  type        = string
  default     = "https://slack.com/api/"

  validation {
    condition     = can(regex("^https://.*/$", var.slack_api_url))
    error_message = "slack_api_url must be an https URL ending with /."
  }
}

variable "slack_default_channel" {
  description = "Slack channel id (C... or G...) where task threads are posted unless slack_channel_map says otherwise."
  type        = string

  validation {
    condition     = can(regex("^[CG][A-Z0-9]{6,}$", var.slack_default_channel))
    error_message = "slack_default_channel must be a channel id such as C0123456789 (not a #name)."
  }
}

variable "slack_channel_map" {
  description = "Channel per Jira project key or GitHub owner/repo, for example { PROJ = \"C0123456789\" }."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for channel in values(var.slack_channel_map) : can(regex("^[CG][A-Z0-9]{6,}$", channel))])
    error_message = "Every slack_channel_map value must be a channel id such as C0123456789."
  }
}

variable "slack_approvers" {
  description = "Slack user ids (U...) who may approve or reject plans. At least this or slack_approver_group must be set for approvals to work."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for user in var.slack_approvers : can(regex("^[UW][A-Z0-9]{6,}$", user))])
    error_message = "Each slack_approvers entry must be a Slack user id such as U0123456789."
  }
}

variable "slack_approver_group" {
  description = "Slack user group id (S...) whose members may approve. Empty: only slack_approvers."
  type        = string
  default     = ""

  validation {
    condition     = var.slack_approver_group == "" || can(regex("^S[A-Z0-9]{6,}$", var.slack_approver_group))
    error_message = "slack_approver_group must be empty or a user group id such as S0123456789."
  }
}

################################################################################
# Agent runtime and models (docs/contracts.md "Environment variables")
################################################################################

variable "agent_runtime" {
  description = "How agent-invoker runs the agents: converse (default; our own tool-use loop on Bedrock ConverseStream or the Anthropic API, works in every account) or agents-classic (Bedrock Agents Classic, closed to new customers: only for accounts that already use it). The aws_bedrockagent_* resources exist only with agents-classic."
  type        = string
  default     = "converse"

  validation {
    condition     = contains(["converse", "agents-classic"], var.agent_runtime)
    error_message = "agent_runtime must be converse or agents-classic."
  }
}

variable "model_provider" {
  description = "Who serves the models of the converse runtime: bedrock (default; IAM-authorised, no key) or anthropic (the Anthropic Messages API with the key in the <project>/anthropic secret). agents-classic always uses Bedrock."
  type        = string
  default     = "bedrock"

  validation {
    condition     = contains(["bedrock", "anthropic"], var.model_provider)
    error_message = "model_provider must be bedrock or anthropic."
  }

  validation {
    condition     = var.model_provider == "bedrock" || var.agent_runtime == "converse"
    error_message = "model_provider = anthropic needs agent_runtime = converse: Agents Classic runs only Bedrock models."
  }
}

variable "agent_models" {
  description = "Model id per agent (discovery, planning, execution, cicd). With model_provider = bedrock: an inference profile id (global./us./eu./apac./jp./au./ca./us-gov. prefix) or a model id Bedrock serves on demand in aws_region. With anthropic: Anthropic model names such as claude-sonnet-4-6. Every id needs a price in model_prices; scripts/deploy-aws.sh checks before apply that each Bedrock model is accessible and not LEGACY."
  type        = map(string)
  default = {
    discovery = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
    planning  = "global.anthropic.claude-sonnet-4-6"
    execution = "global.anthropic.claude-sonnet-4-6"
    cicd      = "global.anthropic.claude-sonnet-4-6"
  }

  validation {
    condition     = length(var.agent_models) == 4 && length(setsubtract(keys(var.agent_models), ["discovery", "planning", "execution", "cicd"])) == 0
    error_message = "agent_models must have exactly the keys discovery, planning, execution and cicd."
  }

  validation {
    condition = alltrue([
      for id in values(var.agent_models) : var.model_provider == "anthropic" ?
      can(regex("^claude-[a-z0-9][a-z0-9.-]*$", id)) :
      can(regex("^((global|us|eu|apac|us-gov|jp|au|ca)\\.)?[a-z0-9-]+\\.[a-z0-9][a-z0-9.:-]*$", id))
    ])
    error_message = "agent_models ids must match model_provider: Bedrock model or inference profile ids such as global.anthropic.claude-sonnet-4-6 (provider bedrock), or Anthropic model names such as claude-sonnet-4-6 (provider anthropic: set agent_models too)."
  }

  validation {
    condition     = alltrue([for id in values(var.agent_models) : contains(keys(var.model_prices), id)])
    error_message = "Every model in agent_models needs a price in model_prices (USD per million tokens); add an entry for each new id. If you override model_prices, repeat the prices of the models you keep."
  }
}

variable "model_prices" {
  description = "USD per million tokens (input, output, cache read, cache write) and context window (tokens) per model id, used by agent-invoker for cost, budgets and context management (MODEL_PRICES). The defaults price the default Bedrock global profiles and the same models by their Anthropic names."
  type = map(object({
    inputPerMTok      = number
    outputPerMTok     = number
    cacheReadPerMTok  = number
    cacheWritePerMTok = number
    contextTokens     = number
  }))
  default = {
    "global.anthropic.claude-sonnet-4-6"              = { inputPerMTok = 3, outputPerMTok = 15, cacheReadPerMTok = 0.3, cacheWritePerMTok = 3.75, contextTokens = 200000 }
    "global.anthropic.claude-haiku-4-5-20251001-v1:0" = { inputPerMTok = 1, outputPerMTok = 5, cacheReadPerMTok = 0.1, cacheWritePerMTok = 1.25, contextTokens = 200000 }
    "claude-sonnet-4-6"                               = { inputPerMTok = 3, outputPerMTok = 15, cacheReadPerMTok = 0.3, cacheWritePerMTok = 3.75, contextTokens = 200000 }
    "claude-haiku-4-5-20251001"                       = { inputPerMTok = 1, outputPerMTok = 5, cacheReadPerMTok = 0.1, cacheWritePerMTok = 1.25, contextTokens = 200000 }
  }

  validation {
    condition = alltrue([
      for price in values(var.model_prices) :
      price.inputPerMTok >= 0 && price.outputPerMTok >= 0 && price.cacheReadPerMTok >= 0 && price.cacheWritePerMTok >= 0
    ])
    error_message = "model_prices must not be negative."
  }

  validation {
    condition     = alltrue([for price in values(var.model_prices) : price.contextTokens >= 1000 && price.contextTokens <= 10000000 && floor(price.contextTokens) == price.contextTokens])
    error_message = "model_prices contextTokens must be a whole number of tokens between 1000 and 10000000."
  }
}

variable "agent_max_turns" {
  description = "Model calls per agent step, all continuations together (AGENT_MAX_TURNS); the step fails with a clear error past it."
  type        = number
  default     = 50

  validation {
    condition     = var.agent_max_turns >= 1 && var.agent_max_turns <= 500 && floor(var.agent_max_turns) == var.agent_max_turns
    error_message = "agent_max_turns must be a whole number between 1 and 500."
  }
}

variable "agent_max_output_tokens" {
  description = "Largest reply of one model call, in tokens (AGENT_MAX_OUTPUT_TOKENS)."
  type        = number
  default     = 16000

  validation {
    condition     = var.agent_max_output_tokens >= 1024 && var.agent_max_output_tokens <= 128000 && floor(var.agent_max_output_tokens) == var.agent_max_output_tokens
    error_message = "agent_max_output_tokens must be a whole number between 1024 and 128000."
  }
}

variable "agent_deadline_reserve_seconds" {
  description = "An agent step stops and returns continue when less than this remains of agent-invoker's 900-second invocation (AGENT_DEADLINE_RESERVE_SECONDS): time to store the conversation and record usage."
  type        = number
  default     = 120

  validation {
    condition     = var.agent_deadline_reserve_seconds >= 10 && var.agent_deadline_reserve_seconds <= 600 && floor(var.agent_deadline_reserve_seconds) == var.agent_deadline_reserve_seconds
    error_message = "agent_deadline_reserve_seconds must be a whole number between 10 and 600."
  }
}

variable "max_agent_continues" {
  description = "How many times the state machine may continue one agent step that stopped before the Lambda deadline; past it the task escalates (template variable max_agent_continues)."
  type        = number
  default     = 8

  validation {
    condition     = var.max_agent_continues >= 1 && var.max_agent_continues <= 50 && floor(var.max_agent_continues) == var.max_agent_continues
    error_message = "max_agent_continues must be a whole number between 1 and 50."
  }
}

################################################################################
# Budgets and workflow
################################################################################

variable "task_budget_usd" {
  description = "Hard LLM cost limit of one task, in USD; the task is escalated when it is reached."
  type        = number
  default     = 10

  validation {
    condition     = var.task_budget_usd > 0
    error_message = "task_budget_usd must be positive."
  }
}

variable "daily_budget_usd" {
  description = "Hard LLM cost limit of all tasks per UTC day, in USD."
  type        = number
  default     = 100

  validation {
    condition     = var.daily_budget_usd > 0
    error_message = "daily_budget_usd must be positive."
  }
}

variable "max_fix_attempts" {
  description = "CI/CD agent runs per task run before the task is escalated to a human."
  type        = number
  default     = 3

  validation {
    condition     = var.max_fix_attempts >= 1 && var.max_fix_attempts <= 10 && floor(var.max_fix_attempts) == var.max_fix_attempts
    error_message = "max_fix_attempts must be a whole number between 1 and 10."
  }
}

variable "approval_timeout_seconds" {
  description = "How long the workflow waits for a plan approval before escalating (default 72 h)."
  type        = number
  default     = 259200

  validation {
    condition     = var.approval_timeout_seconds >= 60 && var.approval_timeout_seconds <= 2592000
    error_message = "approval_timeout_seconds must be between 60 and 2592000 (30 days)."
  }
}

variable "ci_timeout_seconds" {
  description = "How long the workflow waits for GitHub Actions on one commit (default 2 h)."
  type        = number
  default     = 7200

  validation {
    condition     = var.ci_timeout_seconds >= 60 && var.ci_timeout_seconds <= 86400
    error_message = "ci_timeout_seconds must be between 60 and 86400 (24 h)."
  }
}

variable "state_machine_log_level" {
  description = "Step Functions execution log level."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.state_machine_log_level)
    error_message = "state_machine_log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "event_archive_retention_days" {
  description = "Days the EventBridge archive keeps TaskRequested events for replay (0 = forever)."
  type        = number
  default     = 30

  validation {
    condition     = var.event_archive_retention_days >= 0
    error_message = "event_archive_retention_days must not be negative."
  }
}

################################################################################
# API Gateway and monitoring
################################################################################

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second the HTTP API accepts (all routes)."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit >= 1 && var.api_throttling_rate_limit <= 10000
    error_message = "api_throttling_rate_limit must be between 1 and 10000."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests the HTTP API accepts above the rate limit."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 5000
    error_message = "api_throttling_burst_limit must be between 1 and 5000."
  }
}

variable "max_body_bytes" {
  description = "Largest webhook body webhook-handler accepts (MAX_BODY_BYTES)."
  type        = number
  default     = 1048576

  validation {
    condition     = var.max_body_bytes >= 1024 && var.max_body_bytes <= 6000000
    error_message = "max_body_bytes must be between 1024 and 6000000 (Lambda's synchronous payload limit)."
  }
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (confirm the subscription e-mail). Null: no subscription."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

################################################################################
# Secret values (optional)
#
# Each secret is created empty. Give its values here and Terraform writes a
# secret version, which stores the values in the Terraform state (encrypt and
# restrict the state bucket). Leave them null and put the values afterwards with
# `aws secretsmanager put-secret-value` (README), so they never enter the state.
################################################################################

variable "github_token" {
  description = "GitHub token (fine-grained PAT) for the github secret. Use this or the github_app_* variables."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.github_token == null || (var.github_app_id == null && var.github_app_private_key == null && var.github_app_installation_id == null)
    error_message = "Set either github_token or the github_app_* variables, not both."
  }
}

variable "github_app_id" {
  description = "GitHub App id for the github secret (with github_app_private_key and github_app_installation_id)."
  type        = string
  default     = null
  sensitive   = true
}

variable "github_app_private_key" {
  description = "GitHub App private key (PEM) for the github secret."
  type        = string
  default     = null
  sensitive   = true
}

variable "github_app_installation_id" {
  description = "GitHub App installation id on github_org for the github secret."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = (var.github_app_id == null) == (var.github_app_private_key == null) && (var.github_app_id == null) == (var.github_app_installation_id == null)
    error_message = "Set github_app_id, github_app_private_key and github_app_installation_id together, or none."
  }
}

variable "jira_email" {
  description = "E-mail of the Jira user whose API token the agents use."
  type        = string
  default     = null
  sensitive   = true
}

variable "jira_api_token" {
  description = "Jira Cloud API token of jira_email."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = (var.jira_email == null) == (var.jira_api_token == null)
    error_message = "Set jira_email and jira_api_token together, or neither."
  }
}

variable "slack_bot_token" {
  description = "Slack bot token (xoxb-...)."
  type        = string
  default     = null
  sensitive   = true
}

variable "slack_signing_secret" {
  description = "Slack app signing secret, used to verify slash commands and interactions."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = (var.slack_bot_token == null) == (var.slack_signing_secret == null)
    error_message = "Set slack_bot_token and slack_signing_secret together, or neither."
  }
}

variable "sentry_auth_token" {
  description = "Sentry auth token with event:read and project:read."
  type        = string
  default     = null
  sensitive   = true
}

variable "sentry_client_secret" {
  description = "Client secret of the Sentry internal integration, used to verify its webhooks."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = (var.sentry_auth_token == null) == (var.sentry_client_secret == null)
    error_message = "Set sentry_auth_token and sentry_client_secret together, or neither."
  }
}

variable "github_webhook_secret" {
  description = "Secret of the GitHub webhook (HMAC SHA-256)."
  type        = string
  default     = null
  sensitive   = true
}

variable "jira_webhook_secret" {
  description = "Secret of the Jira webhook (HMAC SHA-256)."
  type        = string
  default     = null
  sensitive   = true
}

variable "anthropic_api_key" {
  description = "Anthropic API key for the anthropic secret ({\"apiKey\"}), used only with model_provider = anthropic. Or leave it null and put the value with the CLI (README, Secrets)."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.anthropic_api_key == null || var.model_provider == "anthropic"
    error_message = "anthropic_api_key is used only with model_provider = anthropic."
  }

  validation {
    condition     = var.anthropic_api_key == null || can(regex("^\\S{20,}$", var.anthropic_api_key))
    error_message = "anthropic_api_key must be an API key (at least 20 characters, no spaces), or null."
  }
}
