export { FixedClock } from './clock';
export { type LocalDynamo, startDynamo } from './dynamo';
export {
  githubSignature,
  type HttpEventInput,
  httpEvent,
  jiraSignature,
  sentrySignature,
  slackHeaders,
} from './http';
export {
  captureLogger,
  RecordingCallback,
  RecordingExecutions,
  RecordingPublisher,
  silentLogger,
} from './recorders';
