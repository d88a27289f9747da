################################################################################
# Monitoring: alarms to an SNS topic, and one dashboard
################################################################################

# Not encrypted with the AWS managed key on purpose: CloudWatch alarms cannot
# publish to a topic encrypted with aws/sns, and alarm messages carry no secrets.
resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]

  lambda_alarm_metrics = {
    errors    = "Errors"
    throttles = "Throttles"
  }

  lambda_alarms = {
    for pair in setproduct(keys(local.function_names), keys(local.lambda_alarm_metrics)) :
    "${pair[0]}-${pair[1]}" => { function = pair[0], metric = local.lambda_alarm_metrics[pair[1]] }
  }

  state_machine_alarm_metrics = {
    failed    = "ExecutionsFailed"
    timed-out = "ExecutionsTimedOut"
    aborted   = "ExecutionsAborted"
  }
}

resource "aws_cloudwatch_metric_alarm" "lambda" {
  for_each = local.lambda_alarms

  alarm_name          = "${local.function_names[each.value.function]}-${each.value.metric}"
  alarm_description   = "${each.value.metric} of Lambda ${local.function_names[each.value.function]} in the last 5 minutes"
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = local.function_names[each.value.function] }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "state_machine" {
  for_each = local.state_machine_alarm_metrics

  alarm_name          = "${local.state_machine_name}-${each.value}"
  alarm_description   = "Orchestrator executions ${each.key}: a task did not finish normally; see its execution history"
  namespace           = "AWS/States"
  metric_name         = each.value
  dimensions          = { StateMachineArn = aws_sfn_state_machine.orchestrator.arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${local.name}-api-5xx"
  alarm_description   = "The HTTP API answered 5xx: webhooks are being lost or retried by their senders"
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.main.id, Stage = aws_apigatewayv2_stage.default.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "events_dlq" {
  alarm_name          = "${local.name}-task-requested-dlq"
  alarm_description   = "TaskRequested events could not start the orchestrator; inspect the DLQ and replay from the archive"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.events_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "events_failed_invocations" {
  alarm_name          = "${local.name}-task-requested-failed-invocations"
  alarm_description   = "EventBridge failed to start the orchestrator (it retries, then dead-letters)"
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { EventBusName = aws_cloudwatch_event_bus.tasks.name, RuleName = aws_cloudwatch_event_rule.task_requested.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Lambda errors"
          region  = local.region
          stat    = "Sum"
          period  = 300
          view    = "timeSeries"
          metrics = [for key, name in local.function_names : ["AWS/Lambda", "Errors", "FunctionName", name, { label = key }]]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title   = "Lambda duration (p95)"
          region  = local.region
          stat    = "p95"
          period  = 300
          view    = "timeSeries"
          metrics = [for key, name in local.function_names : ["AWS/Lambda", "Duration", "FunctionName", name, { label = key }]]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "Orchestrator executions"
          region = local.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = [for metric in ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] :
            ["AWS/States", metric, "StateMachineArn", aws_sfn_state_machine.orchestrator.arn]
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "API requests and errors"
          region = local.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = [for metric in ["Count", "4xx", "5xx"] :
            ["AWS/ApiGateway", metric, "ApiId", aws_apigatewayv2_api.main.id, "Stage", aws_apigatewayv2_stage.default.name]
          ]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "TaskRequested delivery"
          region = local.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = [
            ["AWS/Events", "Invocations", "EventBusName", aws_cloudwatch_event_bus.tasks.name, "RuleName", aws_cloudwatch_event_rule.task_requested.name],
            ["AWS/Events", "FailedInvocations", "EventBusName", aws_cloudwatch_event_bus.tasks.name, "RuleName", aws_cloudwatch_event_rule.task_requested.name],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.events_dlq.name, { stat = "Maximum" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title   = "DynamoDB consumed capacity and throttles"
          region  = local.region
          stat    = "Sum"
          period  = 300
          view    = "timeSeries"
          metrics = [for metric in ["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents"] : ["AWS/DynamoDB", metric, "TableName", aws_dynamodb_table.tasks.name]]
        }
      },
    ]
  })
}
