#!/usr/bin/env bash
# Deploys Enterprise Agents to AWS with Terraform: builds the Lambdas, plans,
# asks, applies, and prints the URLs to configure in Jira, GitHub, Sentry and
# Slack. Run with --help for the options.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_DIR="${ROOT}/infrastructure/terraform"
PLAN_FILE="tfplan"
LOCAL_BACKEND_OVERRIDE="${TF_DIR}/backend_override.tf"
FUNCTIONS=(webhook-handler slack-handler github-actions jira-actions sentry-actions agent-invoker)

ASSUME_YES=false
DESTROY=false
SKIP_BUILD=false
SKIP_MODEL_CHECK=false
BACKEND_CONFIG=""
VAR_FILE=""

usage() {
  cat <<'EOF'
Usage: scripts/deploy-aws.sh [options]

Builds the Lambda packages (dist/*.zip), runs terraform init / plan, checks that
every Bedrock model the plan configures (agent_models) is accessible and not
LEGACY, applies, then prints the webhook and Slack URLs and next steps.

Options:
  --backend-config FILE  S3 backend settings for `terraform init` (see
                         infrastructure/terraform/backend.hcl.example). Default:
                         infrastructure/terraform/backend.hcl when it exists;
                         otherwise the state stays in a local file (fine to try
                         things, not for a team).
  --var-file FILE        Terraform variables (default: terraform.tfvars in
                         infrastructure/terraform, which Terraform reads itself).
  --yes, -y              Apply (or destroy) without asking for confirmation.
  --skip-build           Reuse the zips already in dist/.
  --skip-model-check     Do not ask Bedrock about the models before applying
                         (for an identity that may not read Bedrock model details).
  --destroy              Tear everything down (asks first unless --yes). Turns
                         off the table's deletion protection first.
  --help, -h             Show this help.

Prerequisites: terraform >= 1.10, aws CLI v2 with credentials for the target
account, node >= 20.19 and npm. With model_provider = "bedrock" (the default),
the account needs access to the models of agent_models in aws_region (default:
Claude Haiku 4.5 and Claude Sonnet 4.6 through global. inference profiles; the
Bedrock console's model catalog grants it). The script checks this before
applying with `aws bedrock get-inference-profile` and `get-foundation-model`.

Examples:
  scripts/deploy-aws.sh                                  # plan, confirm, apply
  scripts/deploy-aws.sh --backend-config infrastructure/terraform/backend.hcl --yes
  scripts/deploy-aws.sh --destroy
EOF
}

die() {
  echo "error: $*" >&2
  exit 1
}

info() {
  echo "==> $*"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend-config)
      [[ $# -ge 2 ]] || die "--backend-config needs a file"
      BACKEND_CONFIG="$2"
      shift 2
      ;;
    --var-file)
      [[ $# -ge 2 ]] || die "--var-file needs a file"
      VAR_FILE="$2"
      shift 2
      ;;
    --yes | -y)
      ASSUME_YES=true
      shift
      ;;
    --skip-build)
      SKIP_BUILD=true
      shift
      ;;
    --skip-model-check)
      SKIP_MODEL_CHECK=true
      shift
      ;;
    --destroy)
      DESTROY=true
      shift
      ;;
    --help | -h)
      usage
      exit 0
      ;;
    *)
      echo "error: unknown option: $1" >&2
      echo "Run scripts/deploy-aws.sh --help for the options." >&2
      exit 2
      ;;
  esac
done

absolute() {
  local path="$1"
  [[ -f "${path}" ]] || die "file not found: ${path}"
  echo "$(cd "$(dirname "${path}")" && pwd)/$(basename "${path}")"
}

check_prerequisites() {
  local missing=()
  command -v terraform >/dev/null 2>&1 || missing+=("terraform (>= 1.10): https://developer.hashicorp.com/terraform/install")
  command -v aws >/dev/null 2>&1 || missing+=("aws CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html")
  command -v node >/dev/null 2>&1 || missing+=("node (>= 20.19): https://nodejs.org/")
  command -v npm >/dev/null 2>&1 || missing+=("npm (comes with node)")
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "Missing prerequisites:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi

  local tf_version
  tf_version="$(terraform version -json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).terraform_version)}catch{console.log("")}})')"
  if [[ -n "${tf_version}" ]]; then
    local major minor
    IFS=. read -r major minor _ <<<"${tf_version}"
    if ((major < 1 || (major == 1 && minor < 10))); then
      die "terraform ${tf_version} is too old: 1.10 or newer is needed (S3 native state locking)"
    fi
  fi

  if ! aws sts get-caller-identity --output text --query Account >/dev/null 2>&1; then
    die "the aws CLI has no working credentials: run 'aws configure' or 'aws sso login', or export AWS_PROFILE"
  fi
}

confirm() {
  local question="$1"
  if [[ "${ASSUME_YES}" == true ]]; then
    return 0
  fi
  if [[ ! -t 0 ]]; then
    die "not a terminal, so nobody can confirm \"${question}\": pass --yes"
  fi
  local reply
  read -r -p "${question} [y/N] " reply
  [[ "${reply}" =~ ^[Yy]([Ee][Ss])?$ ]]
}

build_lambdas() {
  if [[ "${SKIP_BUILD}" == true ]]; then
    info "Skipping the build (--skip-build); using the zips in dist/"
  else
    info "Installing dependencies and building the Lambda packages"
    # make installs the lockfile's versions when node_modules is missing or stale, then bundles.
    (cd "${ROOT}" && make build)
  fi
  local fn
  for fn in "${FUNCTIONS[@]}"; do
    [[ -f "${ROOT}/dist/${fn}.zip" ]] || die "dist/${fn}.zip is missing: run 'make build' (or drop --skip-build)"
  done
}

terraform_init() {
  local args=(-input=false)
  if [[ -z "${BACKEND_CONFIG}" && -f "${TF_DIR}/backend.hcl" ]]; then
    BACKEND_CONFIG="${TF_DIR}/backend.hcl"
  fi
  if [[ -n "${BACKEND_CONFIG}" ]]; then
    if [[ -f "${LOCAL_BACKEND_OVERRIDE}" ]]; then
      # An earlier run kept the state locally: copy it into the S3 backend.
      rm -f "${LOCAL_BACKEND_OVERRIDE}"
      info "Moving the local state into the S3 backend from ${BACKEND_CONFIG}"
      args+=(-migrate-state -force-copy)
    else
      info "Initialising Terraform with the S3 backend from ${BACKEND_CONFIG}"
    fi
    args+=("-backend-config=$(absolute "${BACKEND_CONFIG}")")
  else
    info "No backend config: keeping the state in infrastructure/terraform/terraform.tfstate (local)"
    echo "    For a team, create an S3 bucket and pass --backend-config (see backend.hcl.example)."
    # An override file replaces the partial S3 backend block of versions.tf.
    cat >"${LOCAL_BACKEND_OVERRIDE}" <<'EOF'
# Written by scripts/deploy-aws.sh because no S3 backend config was given.
terraform {
  backend "local" {}
}
EOF
  fi
  terraform -chdir="${TF_DIR}" init "${args[@]}"
}

var_file_args() {
  if [[ -n "${VAR_FILE}" ]]; then
    echo "-var-file=$(absolute "${VAR_FILE}")"
  fi
}

# Reads a dotted field of a JSON document: json_field '{"a":{"b":1}}' a.b -> 1 ("" if absent).
json_field() {
  node -e '
    let value;
    try {
      value = process.argv[2].split(".").reduce((o, k) => (o == null ? undefined : o[k]), JSON.parse(process.argv[1]));
    } catch {}
    console.log(value == null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));
  ' "$1" "$2"
}

# The model settings of the saved plan. They are exactly what apply will use:
# Terraform has resolved the defaults, terraform.tfvars, --var-file and TF_VAR_*,
# and nothing is created yet. First line "<provider> <region>", then one line
# per distinct model id: "<id> <agent>,<agent>...".
plan_models() {
  terraform -chdir="${TF_DIR}" show -json "${PLAN_FILE}" | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      const variables = JSON.parse(text).variables ?? {};
      const value = (name) => variables[name]?.value;
      const classic = value("agent_runtime") === "agents-classic";
      console.log((classic ? "bedrock" : (value("model_provider") ?? "bedrock")) + " " + (value("aws_region") ?? ""));
      const agents = new Map();
      for (const [agent, id] of Object.entries(value("agent_models") ?? {})) agents.set(id, [...(agents.get(id) ?? []), agent]);
      for (const [id, names] of agents) console.log(id + " " + names.join(","));
    });
  '
}

# Explains why Bedrock refused or does not know a model, and what to do.
model_error() {
  local what="$1" id="$2" agents="$3" region="$4" error="$5"
  echo "error: cannot use ${what} ${id} (agent_models: ${agents}) in ${region}:" >&2
  echo "    $(tr '\n' ' ' <<<"${error}" | sed 's/^ *//')" >&2
  case "${error}" in
    *AccessDenied*)
      cat >&2 <<EOF
  What to do:
    - Enable access to the model: Bedrock console (${region}) > Model catalog > the model;
      for Anthropic models submit the one-time use case form first.
    - Make sure the deploying identity may read Bedrock model details
      (bedrock:GetInferenceProfile and bedrock:GetFoundationModel; the AmazonBedrockReadOnly
      managed policy has both) and that no SCP denies Bedrock in ${region}.
    - Or pick a model you can use in agent_models (terraform.tfvars) and price it in model_prices.
  If you are sure the model is enabled, rerun with --skip-model-check.
EOF
      ;;
    *ResourceNotFound* | *ValidationException* | *"not found"* | *"does not exist"*)
      cat >&2 <<EOF
  What to do: pick an id that exists in ${region} for agent_models (terraform.tfvars)
  and price it in model_prices:
    aws bedrock list-inference-profiles --region ${region} --type-equals SYSTEM_DEFINED --query 'inferenceProfileSummaries[].inferenceProfileId'
    aws bedrock list-foundation-models --region ${region} --by-provider anthropic --query 'modelSummaries[].modelId'
  or deploy to a region that offers it (aws_region).
EOF
      ;;
    *)
      echo "  What to do: fix the aws CLI error above (aws CLI v2 knows these commands), or rerun with --skip-model-check." >&2
      ;;
  esac
}

# Checks one model id: its inference profile (geo- or global-prefixed ids) must
# be ACTIVE and its foundation model not LEGACY. Explains and returns 1 otherwise.
check_model() {
  local region="$1" id="$2" agents="$3"
  local foundation="${id}" output status errors
  errors="$(mktemp)"
  if [[ "${id}" =~ ^(global|us|eu|apac|us-gov|jp|au|ca)\. ]]; then
    # global.anthropic.claude-sonnet-4-6 -> anthropic.claude-sonnet-4-6
    foundation="${id#*.}"
    if ! output="$(aws bedrock get-inference-profile --region "${region}" --inference-profile-identifier "${id}" --output json 2>"${errors}")"; then
      model_error "inference profile" "${id}" "${agents}" "${region}" "$(cat "${errors}")"
      rm -f "${errors}"
      return 1
    fi
    status="$(json_field "${output}" status)"
    if [[ "${status}" != ACTIVE ]]; then
      echo "error: inference profile ${id} (agent_models: ${agents}) is ${status:-in an unknown state} in ${region}, not ACTIVE: pick another id in agent_models." >&2
      rm -f "${errors}"
      return 1
    fi
  fi
  if ! output="$(aws bedrock get-foundation-model --region "${region}" --model-identifier "${foundation}" --output json 2>"${errors}")"; then
    model_error "foundation model" "${foundation}" "${agents}" "${region}" "$(cat "${errors}")"
    rm -f "${errors}"
    return 1
  fi
  rm -f "${errors}"
  status="$(json_field "${output}" modelDetails.modelLifecycle.status)"
  if [[ "${status}" == LEGACY ]]; then
    local end_of_life
    end_of_life="$(json_field "${output}" modelDetails.modelLifecycle.endOfLifeTime)"
    cat >&2 <<EOF
error: ${foundation} (agent_models: ${agents}) is LEGACY in Bedrock${end_of_life:+ (end of life ${end_of_life})}:
  legacy models are not offered to accounts that have not used them recently, and they go away.
  What to do: pick a current model for ${agents} in agent_models (terraform.tfvars), use its
  inference profile id (global. or us./eu./apac. prefix) and add its price to model_prices:
    aws bedrock list-foundation-models --region ${region} --by-provider anthropic --query "modelSummaries[?modelLifecycle.status=='ACTIVE'].modelId"
EOF
    return 1
  fi
  echo "    ${id}: ${status:-lifecycle status not reported} (${agents})"
  # Whether this account may use the model: advice only (an older CLI lacks the command).
  if output="$(aws bedrock get-foundation-model-availability --region "${region}" --model-id "${foundation}" --output json 2>/dev/null)"; then
    local authorization entitlement
    authorization="$(json_field "${output}" authorizationStatus)"
    entitlement="$(json_field "${output}" entitlementAvailability)"
    if [[ "${authorization}" == NOT_AUTHORIZED || "${entitlement}" == NOT_AVAILABLE ]]; then
      echo "    warning: Bedrock reports ${foundation} as ${authorization:-?} (entitlement ${entitlement:-?}) for this account:" >&2
      echo "             enable it in the Bedrock console (${region}) > Model catalog before the first task." >&2
    fi
  fi
}

# Stops before apply when a configured Bedrock model cannot be used.
check_models() {
  if [[ "${SKIP_MODEL_CHECK}" == true ]]; then
    info "Skipping the Bedrock model check (--skip-model-check)"
    return 0
  fi
  local spec provider region
  spec="$(plan_models)" || die "could not read the models from the plan (terraform show -json ${PLAN_FILE})"
  read -r provider region <<<"$(head -n 1 <<<"${spec}")"
  if [[ "${provider}" == anthropic ]]; then
    info "Model check skipped: model_provider is anthropic, so the Anthropic API serves the models and there is no Bedrock model access to check"
    echo "    (put the API key in the anthropic secret; agent-invoker reports a wrong model name or key on its first call)"
    return 0
  fi
  [[ -n "${region}" ]] || die "the plan names no aws_region"
  info "Checking the Bedrock models of agent_models in ${region}"
  local id agents failed=0
  while read -r id agents; do
    [[ -n "${id}" ]] || continue
    check_model "${region}" "${id}" "${agents}" || failed=$((failed + 1))
  done <<<"$(tail -n +2 <<<"${spec}")"
  if ((failed > 0)); then
    echo "Not applied: ${failed} model(s) cannot be used (see above). The plan is in infrastructure/terraform/${PLAN_FILE}." >&2
    exit 1
  fi
}

fill_slack_manifest() {
  local endpoint="$1"
  local template="${ROOT}/infrastructure/slack/app-manifest.json"
  local output="${ROOT}/dist/slack-app-manifest.json"
  if [[ ! -f "${template}" ]]; then
    echo "    (no infrastructure/slack/app-manifest.json to fill in)"
    return 0
  fi
  mkdir -p "${ROOT}/dist"
  ENDPOINT="${endpoint}" node -e '
    const fs = require("node:fs");
    const [template, output] = process.argv.slice(1);
    fs.writeFileSync(output, fs.readFileSync(template, "utf8").replaceAll("https://API_ENDPOINT", process.env.ENDPOINT));
  ' "${template}" "${output}"
  echo "  Slack app manifest:   ${output}"
  echo "                        (api.slack.com/apps > Create New App > From a manifest)"
}

out() {
  terraform -chdir="${TF_DIR}" output -raw "$1"
}

print_next_steps() {
  local endpoint
  endpoint="$(out api_endpoint)"
  echo
  info "Deployed. Configure the senders with these URLs:"
  echo "  Health check:         $(out health_url)"
  echo "  Jira webhook:         $(out jira_webhook_url)"
  echo "  GitHub webhook:       $(out github_webhook_url)"
  echo "  Sentry webhook:       $(out sentry_webhook_url)"
  echo "  Slack slash command:  $(out slack_commands_url)"
  echo "  Slack interactivity:  $(out slack_interactions_url)"
  fill_slack_manifest "${endpoint}"
  echo
  local empty
  empty="$(terraform -chdir="${TF_DIR}" output -json secrets_without_value | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).join(" ")))')"
  echo "Next steps:"
  if [[ -n "${empty}" ]]; then
    echo "  1. Put the secret values Terraform did not write (${empty}); see"
    echo "     infrastructure/terraform/README.md, section \"Secrets\", for the commands."
  else
    echo "  1. All secrets have values (they were given as Terraform variables)."
  fi
  echo "  2. Jira: System > WebHooks: the Jira URL above, with the jira webhook secret;"
  echo "     events: issue created/updated, comment created."
  echo "  3. GitHub: organization Settings > Webhooks: the GitHub URL, content type"
  echo "     application/json, the github webhook secret; events: issue comments, pull"
  echo "     requests, pull request reviews, workflow runs, check suites."
  echo "  4. Sentry: an internal integration with the Sentry URL, issue and alert webhooks."
  echo "  5. Slack: create the app from the manifest (or set the two Slack URLs), install"
  echo "     it, and invite the bot to the task channel."
  echo "  6. Check: curl $(out health_url)"
}

deploy() {
  check_prerequisites
  build_lambdas
  terraform_init
  local var_args=()
  local var_arg
  var_arg="$(var_file_args)"
  [[ -n "${var_arg}" ]] && var_args+=("${var_arg}")

  info "Planning"
  terraform -chdir="${TF_DIR}" plan -input=false -out="${PLAN_FILE}" ${var_args[@]+"${var_args[@]}"}
  check_models
  if ! confirm "Apply this plan?"; then
    echo "Not applied. The plan is in infrastructure/terraform/${PLAN_FILE}."
    exit 1
  fi
  info "Applying"
  terraform -chdir="${TF_DIR}" apply -input=false "${PLAN_FILE}"
  rm -f "${TF_DIR}/${PLAN_FILE}"
  print_next_steps
}

destroy() {
  check_prerequisites
  # Destroy still evaluates filebase64sha256() of every zip: build only if one is missing.
  local fn all_built=true
  for fn in "${FUNCTIONS[@]}"; do
    [[ -f "${ROOT}/dist/${fn}.zip" ]] || all_built=false
  done
  [[ "${all_built}" == true ]] && SKIP_BUILD=true
  build_lambdas
  terraform_init
  local var_args=()
  local var_arg
  var_arg="$(var_file_args)"
  [[ -n "${var_arg}" ]] && var_args+=("${var_arg}")

  echo "This destroys every resource of the deployment, including the DynamoDB table"
  echo "(tasks, timelines, costs) and schedules the secrets for deletion."
  if ! confirm "Destroy everything?"; then
    echo "Nothing destroyed."
    exit 1
  fi
  info "Turning off the table's deletion protection"
  terraform -chdir="${TF_DIR}" apply -input=false -auto-approve -target=aws_dynamodb_table.tasks \
    -var table_deletion_protection=false ${var_args[@]+"${var_args[@]}"}
  info "Destroying"
  terraform -chdir="${TF_DIR}" destroy -input=false -auto-approve -var table_deletion_protection=false ${var_args[@]+"${var_args[@]}"}
  info "Destroyed."
}

if [[ "${DESTROY}" == true ]]; then
  destroy
else
  deploy
fi
