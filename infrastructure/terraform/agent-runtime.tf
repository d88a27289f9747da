################################################################################
# Agent runtime: which runtime and models agent-invoker uses, its environment,
# and the model permissions (docs/contracts.md, issue 10)
#
# Only locals, computed from variables and a few names (account, partition,
# region, function names) plus local.agent_invoker_resources (lambda.tf): the
# offline tests evaluate this file with real Terraform and stand-ins for those.
################################################################################

locals {
  # agents-classic: Bedrock Agents Classic (bedrock.tf). converse: our own loop.
  agents_classic = var.agent_runtime == "agents-classic"
  uses_bedrock   = !local.agents_classic && var.model_provider == "bedrock"
  uses_anthropic = !local.agents_classic && var.model_provider == "anthropic"

  # Which Lambda executes each action-group schema: github-* -> github-actions, and
  # so on. The converse loop invokes the same Lambdas with the same event.
  action_group_executors = {
    "github-discovery" = "github-actions"
    "github-planning"  = "github-actions"
    "github-ci"        = "github-actions"
    "jira"             = "jira-actions"
    "sentry"           = "sentry-actions"
  }

  # ARNs built from names, as for slack-handler's own ARN in iam.tf: no cycle
  # between agent-invoker's policy and the functions.
  action_group_function_arns = sort([
    for fn in distinct(values(local.action_group_executors)) :
    "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_names[fn]}"
  ])

  ##############################################################################
  # Models. An id with a geography prefix (us., eu., apac., jp., au., ca., us-gov.)
  # is a geographic cross-region inference profile, global. a global one; the
  # foundation model id is the id without the prefix. Anything else is a model
  # served on demand in aws_region.
  ##############################################################################

  bedrock_models = {
    for id in distinct(values(var.agent_models)) : id => {
      scope               = startswith(id, "global.") ? "global" : can(regex("^(us|eu|apac|us-gov|jp|au|ca)\\.", id)) ? "geographic" : "in-region"
      foundation_model_id = replace(id, "/^(global|us|eu|apac|us-gov|jp|au|ca)\\./", "")
      profile_arn         = "arn:${local.partition}:bedrock:${local.region}:${local.account_id}:inference-profile/${id}"
    }
  }
  global_models     = [for id in sort(keys(local.bedrock_models)) : local.bedrock_models[id] if local.bedrock_models[id].scope == "global"]
  geographic_models = [for id in sort(keys(local.bedrock_models)) : local.bedrock_models[id] if local.bedrock_models[id].scope == "geographic"]
  in_region_models  = [for id in sort(keys(local.bedrock_models)) : id if local.bedrock_models[id].scope == "in-region"]

  # Statements of bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream
  # (actions in iam.tf) for the converse runtime on Bedrock: the inference profiles
  # and the foundation models of every region they route to, nothing else.
  #
  # Global profiles, as AWS documents them ("IAM policy requirements for global
  # cross-Region inference", https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html):
  # three parts, (1) the profile in the source region, with aws:RequestedRegion =
  # the source region; (2) the foundation model in the source region,
  # arn:aws:bedrock:REGION::foundation-model/MODEL, with aws:RequestedRegion =
  # the source region and bedrock:InferenceProfileArn = the profile; (3) the
  # region-less global foundation model arn:aws:bedrock:::foundation-model/MODEL
  # ("no AWS Region or account specified, which is intentional and required"),
  # for which Bedrock sets aws:RequestedRegion to "unspecified", with
  # bedrock:InferenceProfileArn = the profile.
  #
  # Geographic profiles must be allowed on the foundation model "in each Region
  # associated with" the profile (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html).
  # Those regions change as AWS adds capacity, so the model ARN has a wildcard
  # region and bedrock:InferenceProfileArn restricts it to calls through our
  # profiles, which route only to their own regions (the same pattern as AWS's
  # published policy for Deadline Cloud's assistant,
  # https://docs.aws.amazon.com/deadline-cloud/latest/userguide/assistant-permissions.html).
  bedrock_model_statements = [for statement in [
    {
      sid       = "InvokeInferenceProfiles"
      resources = [for model in concat(local.global_models, local.geographic_models) : model.profile_arn]
      conditions = [
        { test = "StringEquals", variable = "aws:RequestedRegion", values = [local.region] },
      ]
    },
    {
      sid       = "InvokeGlobalProfileModelInSourceRegion"
      resources = distinct([for model in local.global_models : "arn:${local.partition}:bedrock:${local.region}::foundation-model/${model.foundation_model_id}"])
      conditions = [
        { test = "StringEquals", variable = "aws:RequestedRegion", values = [local.region] },
        { test = "StringEquals", variable = "bedrock:InferenceProfileArn", values = [for model in local.global_models : model.profile_arn] },
      ]
    },
    {
      sid       = "InvokeGlobalProfileModelAnyRegion"
      resources = distinct([for model in local.global_models : "arn:${local.partition}:bedrock:::foundation-model/${model.foundation_model_id}"])
      conditions = [
        { test = "StringEquals", variable = "aws:RequestedRegion", values = ["unspecified"] },
        { test = "StringEquals", variable = "bedrock:InferenceProfileArn", values = [for model in local.global_models : model.profile_arn] },
      ]
    },
    {
      sid       = "InvokeGeographicProfileModels"
      resources = distinct([for model in local.geographic_models : "arn:${local.partition}:bedrock:*::foundation-model/${model.foundation_model_id}"])
      conditions = [
        { test = "StringEquals", variable = "bedrock:InferenceProfileArn", values = [for model in local.geographic_models : model.profile_arn] },
      ]
    },
    {
      sid        = "InvokeInRegionModels"
      resources  = [for id in local.in_region_models : "arn:${local.partition}:bedrock:${local.region}::foundation-model/${id}"]
      conditions = []
    },
  ] : statement if length(statement.resources) > 0]

  # What agent-invoker's role gets for models: only with the converse runtime on Bedrock.
  converse_model_statements = local.uses_bedrock ? local.bedrock_model_statements : []

  ##############################################################################
  # agent-invoker's environment (docs/contracts.md): the same for both runtimes,
  # plus AGENTS for agents-classic, or the converse settings.
  ##############################################################################

  agent_invoker_environment = merge(
    {
      AGENT_RUNTIME                  = var.agent_runtime
      AGENT_MODELS                   = jsonencode(var.agent_models)
      MODEL_PRICES                   = jsonencode(var.model_prices)
      AGENT_MAX_TURNS                = tostring(var.agent_max_turns)
      AGENT_MAX_OUTPUT_TOKENS        = tostring(var.agent_max_output_tokens)
      AGENT_DEADLINE_RESERVE_SECONDS = tostring(var.agent_deadline_reserve_seconds)
      TASK_BUDGET_USD                = tostring(var.task_budget_usd)
      DAILY_BUDGET_USD               = tostring(var.daily_budget_usd)
      GITHUB_ORG                     = var.github_org
      BRANCH_PREFIX                  = var.branch_prefix
      MAX_FIX_ATTEMPTS               = tostring(var.max_fix_attempts)
    },
    local.agents_classic ? {
      AGENTS = jsonencode(local.agent_invoker_resources.agent_aliases)
      } : {
      MODEL_PROVIDER         = var.model_provider
      ACTION_GROUP_FUNCTIONS = jsonencode(local.agent_invoker_resources.action_group_functions)
    },
    local.uses_anthropic ? {
      ANTHROPIC_SECRET_ARN = local.agent_invoker_resources.anthropic_secret_arn
    } : {},
  )
}
