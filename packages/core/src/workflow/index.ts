export { EventBridgePublisher } from '../adapters/event-bridge';
export { StepFunctionsAdapter } from '../adapters/step-functions';
export type {
  EventPublisherPort,
  ExecutionControlPort,
  TaskCallbackPort,
  TaskRequestedEvent,
} from '../ports/workflow';
export { decideApproval, REJECTED_ERROR } from './approvals';
export { type CiWaitDeps, resolveCiWaits } from './ci-waits';
export { compilePayloadValidator, EXPECTED_KEYWORD } from './payload-schema';
export { rerunTask, startTask, stopTask, type TaskFlowDeps } from './tasks';
