export {
  createLoopRuntime,
  createScriptedAgents,
  LOCAL_LOOP_LIMITS,
  type LocalAgents,
  type LoopRuntimeWiring,
  SCRIPTED_MODELS,
  selectLocalAgents,
} from './agents';
export { BrokerCallbackPort, type PendingToken, TaskFailedError, TaskTokenBroker } from './broker';
export {
  createLocalWorkflow,
  type ExecutionRecord,
  ExecutionStatus,
  type HistoryEvent,
  type LambdaCall,
  type LocalExecution,
  type LocalLambda,
  type LocalWorkflow,
  type LocalWorkflowHandlers,
  type LocalWorkflowOptions,
} from './runner';
export { ActionGroup, defaultAgentScripts, ScriptedToolError, type ScriptOptions } from './scripts';
export {
  DEFAULT_TEMPLATE_VARS,
  LOCAL_FUNCTION_ARNS,
  ORCHESTRATOR_TEMPLATE_PATH,
  readOrchestratorTemplate,
  renderOrchestrator,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type TemplateVars,
} from './template';
