################################################################################
# Secrets: JSON secrets named <project>/<name> (docs/contracts.md): github,
# jira, slack, sentry, webhooks, and anthropic only with model_provider =
# anthropic (Bedrock needs no key: IAM authorises the calls).
#
# The secrets themselves are always created. A version is written only for the
# secrets whose values were given as variables; those values then live in the
# Terraform state. Otherwise put them with `aws secretsmanager put-secret-value`
# (README "Secrets") and they never touch the state.
################################################################################

locals {
  secret_names = toset(concat(
    ["github", "jira", "slack", "sentry", "webhooks"],
    var.model_provider == "anthropic" ? ["anthropic"] : [],
  ))

  github_secret_value = (
    var.github_token != null ? jsonencode({ token = var.github_token }) :
    var.github_app_id != null ? jsonencode({
      appId          = var.github_app_id
      privateKey     = var.github_app_private_key
      installationId = var.github_app_installation_id
    }) : null
  )

  webhook_secret_parts = { for source, value in {
    github = var.github_webhook_secret
    jira   = var.jira_webhook_secret
  } : source => value if value != null }

  secret_values = {
    github = local.github_secret_value
    jira   = var.jira_email == null ? null : jsonencode({ email = var.jira_email, apiToken = var.jira_api_token })
    slack = var.slack_bot_token == null ? null : jsonencode({
      botToken      = var.slack_bot_token
      signingSecret = var.slack_signing_secret
    })
    sentry = var.sentry_auth_token == null ? null : jsonencode({
      authToken    = var.sentry_auth_token
      clientSecret = var.sentry_client_secret
    })
    webhooks  = length(local.webhook_secret_parts) == 0 ? null : jsonencode(local.webhook_secret_parts)
    anthropic = var.anthropic_api_key == null ? null : jsonencode({ apiKey = var.anthropic_api_key })
  }

  # Which secrets were given is not secret (for_each rejects sensitive keys); the values stay sensitive.
  secrets_given = nonsensitive(toset([for name, value in local.secret_values : name if value != null && contains(local.secret_names, name)]))
}

resource "aws_secretsmanager_secret" "this" {
  for_each = local.secret_names

  name                    = "${local.name}/${each.key}"
  description             = "Enterprise Agents ${each.key} credentials (JSON, shape in docs/contracts.md)"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "this" {
  for_each = local.secrets_given

  secret_id     = aws_secretsmanager_secret.this[each.key].id
  secret_string = local.secret_values[each.key]
}
