################################################################################
# HTTP API: webhooks, Slack, health
#
# No CORS configuration: every caller is a server (Jira, GitHub, Sentry, Slack),
# and a browser has no business calling these routes.
################################################################################

locals {
  api_routes = {
    "POST /webhooks/jira"      = "webhook-handler"
    "POST /webhooks/github"    = "webhook-handler"
    "POST /webhooks/sentry"    = "webhook-handler"
    "GET /health"              = "webhook-handler"
    "POST /slack/commands"     = "slack-handler"
    "POST /slack/interactions" = "slack-handler"
  }

  api_functions = toset(values(local.api_routes))

  api_endpoint = trimsuffix(aws_apigatewayv2_stage.default.invoke_url, "/")
}

resource "aws_apigatewayv2_api" "main" {
  name          = "${local.name}-api"
  description   = "Enterprise Agents webhooks (Jira, GitHub, Sentry) and Slack endpoints"
  protocol_type = "HTTP"
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${local.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.main.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.api_throttling_rate_limit
    throttling_burst_limit   = var.api_throttling_burst_limit
    detailed_metrics_enabled = true
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    # No headers or bodies: they carry signatures and ticket text.
    format = jsonencode({
      requestId          = "$context.requestId"
      ip                 = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      errorMessage       = "$context.error.message"
    })
  }
}

resource "aws_apigatewayv2_integration" "lambda" {
  for_each = local.api_functions

  api_id                 = aws_apigatewayv2_api.main.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.this[each.key].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.api_routes

  api_id    = aws_apigatewayv2_api.main.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.lambda[each.value].id}"
}

# One permission per route: API Gateway may call each function only on its own routes.
resource "aws_lambda_permission" "api" {
  for_each = local.api_routes

  statement_id  = "AllowApi-${replace(replace(each.key, " /", "-"), "/", "-")}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.value].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.main.execution_arn}/*/${replace(each.key, " ", "")}"
}
