################################################################################
# The orchestrator: a Standard workflow (callbacks and waits of days) whose one
# definition, infrastructure/statemachine/orchestrator.asl.json, is also what
# the local runtime and the tests execute.
################################################################################

resource "aws_cloudwatch_log_group" "state_machine" {
  # The /aws/vendedlogs/ prefix keeps the log-delivery resource policy small.
  name              = "/aws/vendedlogs/states/${local.state_machine_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_sfn_state_machine" "orchestrator" {
  name     = local.state_machine_name
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn

  definition = templatefile("${path.module}/../statemachine/orchestrator.asl.json", {
    agent_invoker_arn        = aws_lambda_function.agent_invoker.arn
    slack_handler_arn        = aws_lambda_function.this["slack-handler"].arn
    github_actions_arn       = aws_lambda_function.this["github-actions"].arn
    jira_actions_arn         = aws_lambda_function.this["jira-actions"].arn
    approval_timeout_seconds = var.approval_timeout_seconds
    ci_timeout_seconds       = var.ci_timeout_seconds
    max_fix_attempts         = var.max_fix_attempts
    max_agent_continues      = var.max_agent_continues
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = true
    level                  = var.state_machine_log_level
  }

  tracing_configuration {
    enabled = true
  }

  # Creation checks that the role can already deliver logs.
  depends_on = [aws_iam_role_policy.state_machine]
}
