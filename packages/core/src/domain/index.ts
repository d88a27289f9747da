export {
  AgentName,
  EVENT_SOURCE,
  EventDetailType,
  isTerminalStatus,
  RunKind,
  TaskSource,
  TaskStatus,
} from './constants';
export type { StackFrame, Task, TimelineEvent } from './task';
