################################################################################
# The four agents: instructions from infrastructure/agents/<agent>.md, tools
# from schemas/action-groups/<schema>.json. The converse runtime (default)
# reads both from agent-invoker's bundle; the Bedrock Agents Classic resources
# below exist only with agent_runtime = "agents-classic", for accounts that
# already use that service (closed to new customers since 2026-07-30).
################################################################################

locals {
  agents_dir  = "${path.module}/../agents"
  schemas_dir = "${path.module}/../../schemas/action-groups"

  # Bedrock's "APIs per agent" quota (11 by default) counts the operations of all of an
  # agent's action groups; infrastructure/tests checks these sums. The ticket or error text
  # reaches every agent in its prompt, so each gets only the tools its step needs:
  # discovery 5 + 3, planning 6 + 4 (as in the original design), execution 5 + 6, cicd 4 + 6.
  agents = {
    discovery = {
      description       = "Finds and ranks the repositories of the organization a task touches"
      idle_session_ttl  = 600
      action_group_keys = ["github-discovery", "sentry"]
    }
    planning = {
      description       = "Writes PLAN.md on an agent branch, opens a draft PR and comments on the ticket"
      idle_session_ttl  = 900
      action_group_keys = ["github-planning", "jira"]
    }
    execution = {
      description       = "Implements an approved plan test-first and pushes commits to the PR branch"
      idle_session_ttl  = 1800
      action_group_keys = ["github-discovery", "github-planning"]
    }
    cicd = {
      description       = "Reads failed CI logs and pushes fixes, at most max_fix_attempts times"
      idle_session_ttl  = 600
      action_group_keys = ["github-ci", "github-planning"]
    }
  }

  # Agents Classic resources: empty unless agent_runtime = "agents-classic".
  classic_agents = local.agents_classic ? local.agents : {}

  action_groups = merge([
    for agent, config in local.classic_agents : {
      for schema in config.action_group_keys : "${agent}/${schema}" => {
        agent    = agent
        schema   = schema
        executor = local.action_group_executors[schema]
      }
    }
  ]...)

  # One Lambda permission per (agent, executor) pair.
  agent_executor_pairs = toset(distinct([for group in values(local.action_groups) : "${group.agent}/${group.executor}"]))

  # What an alias must move for: the agent's instruction and its schemas. The
  # agent's own settings move it through prepared_at.
  agent_config_hashes = {
    for agent, config in local.classic_agents : agent => sha256(join("\n", concat(
      [filesha256("${local.agents_dir}/${agent}.md")],
      [for schema in config.action_group_keys : filesha256("${local.schemas_dir}/${schema}.json")],
    )))
  }
}

resource "aws_bedrockagent_agent" "this" {
  for_each = local.classic_agents

  agent_name                  = "${local.name}-${each.key}"
  description                 = each.value.description
  agent_resource_role_arn     = aws_iam_role.bedrock_agent[0].arn
  foundation_model            = var.agent_models[each.key]
  instruction                 = file("${local.agents_dir}/${each.key}.md")
  idle_session_ttl_in_seconds = each.value.idle_session_ttl
  prepare_agent               = true
  # Aliases are replaced or destroyed with the agent; without this the delete
  # fails with "has active aliases".
  skip_resource_in_use_check = true

  depends_on = [aws_iam_role_policy.bedrock_agent]
}

resource "aws_bedrockagent_agent_action_group" "this" {
  for_each = local.action_groups

  agent_id           = aws_bedrockagent_agent.this[each.value.agent].agent_id
  agent_version      = "DRAFT"
  action_group_name  = each.value.schema
  description        = "Operations of schemas/action-groups/${each.value.schema}.json, executed by ${each.value.executor}"
  action_group_state = "ENABLED"
  # Prepare after every change so DRAFT (and the next alias version) includes it.
  # Concurrent prepares of one agent are retried by the provider (>= 6.2).
  prepare_agent              = true
  skip_resource_in_use_check = true

  action_group_executor {
    lambda = aws_lambda_function.this[each.value.executor].arn
  }

  api_schema {
    payload = file("${local.schemas_dir}/${each.value.schema}.json")
  }

  depends_on = [aws_lambda_permission.bedrock]
}

# Bedrock calls the action-group Lambdas with their resource policy, not the agent role.
resource "aws_lambda_permission" "bedrock" {
  for_each = local.agent_executor_pairs

  statement_id   = "AllowBedrockAgent-${split("/", each.key)[0]}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this[split("/", each.key)[1]].function_name
  principal      = "bedrock.amazonaws.com"
  source_account = local.account_id
  source_arn     = aws_bedrockagent_agent.this[split("/", each.key)[0]].agent_arn
}

# There is no "create version" API: a version is cut when an alias is created or
# updated. The description changes whenever the agent is prepared again or its
# instruction or schemas change, which updates the alias onto a new version.
resource "aws_bedrockagent_agent_alias" "this" {
  for_each = local.classic_agents

  agent_id         = aws_bedrockagent_agent.this[each.key].agent_id
  agent_alias_name = "live"
  description      = "prepared ${aws_bedrockagent_agent.this[each.key].prepared_at}; config ${substr(local.agent_config_hashes[each.key], 0, 16)}"

  depends_on = [aws_bedrockagent_agent_action_group.this]
}
