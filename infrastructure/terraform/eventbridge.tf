################################################################################
# EventBridge: webhook-handler and slack-handler publish TaskRequested; a rule
# starts the orchestrator with the event detail as its input.
################################################################################

locals {
  task_requested_pattern = jsonencode({
    source        = ["enterprise-agents"]
    "detail-type" = ["TaskRequested"]
  })
}

resource "aws_cloudwatch_event_bus" "tasks" {
  name = "${local.name}-tasks"
}

resource "aws_cloudwatch_event_rule" "task_requested" {
  name           = "${local.name}-task-requested"
  description    = "Starts the orchestrator for every TaskRequested event"
  event_bus_name = aws_cloudwatch_event_bus.tasks.name
  event_pattern  = local.task_requested_pattern
}

resource "aws_cloudwatch_event_target" "orchestrator" {
  rule           = aws_cloudwatch_event_rule.task_requested.name
  event_bus_name = aws_cloudwatch_event_bus.tasks.name
  target_id      = "orchestrator"
  arn            = aws_sfn_state_machine.orchestrator.arn
  role_arn       = aws_iam_role.events.arn
  input_path     = "$.detail"

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }

  # Events that still cannot start an execution land here (alarmed in monitoring.tf).
  dead_letter_config {
    arn = aws_sqs_queue.events_dlq.arn
  }
}

resource "aws_sqs_queue" "events_dlq" {
  name                      = "${local.name}-task-requested-dlq"
  message_retention_seconds = 1209600 # 14 days, the maximum
  sqs_managed_sse_enabled   = true
}

data "aws_iam_policy_document" "events_dlq" {
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events_dlq.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.task_requested.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "events_dlq" {
  queue_url = aws_sqs_queue.events_dlq.id
  policy    = data.aws_iam_policy_document.events_dlq.json
}

# Keeps every TaskRequested event so a task can be replayed after a fix.
resource "aws_cloudwatch_event_archive" "tasks" {
  name             = "${local.name}-task-requested"
  description      = "TaskRequested events, for replay"
  event_source_arn = aws_cloudwatch_event_bus.tasks.arn
  event_pattern    = local.task_requested_pattern
  retention_days   = var.event_archive_retention_days
}
