export {
  type FaultSpec,
  type RecordedCall,
  type ResponseUrlPost,
  SLACK_FAKE_TOKEN,
  type SlackFake,
  type SlackFakeMessage,
  type SlackFakeOptions,
  type SlackFakeView,
  startSlackFake,
} from './server';
