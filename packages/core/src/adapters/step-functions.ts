import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  type SFNClientConfig,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionControlPort, TaskCallbackPort } from '../ports/workflow';
import { clip } from '../util/clip';

// Step Functions limits: error 256 chars, cause 32 768 chars.

const isGone = (error: unknown): boolean =>
  error instanceof Error &&
  ['TaskDoesNotExist', 'TaskTimedOut', 'ExecutionDoesNotExist'].includes(error.name);

/**
 * SendTaskSuccess / SendTaskFailure / StopExecution. A token that already timed
 * out or finished is not an error for us: the execution moved on.
 */
export class StepFunctionsAdapter implements TaskCallbackPort, ExecutionControlPort {
  private readonly client: SFNClient;

  constructor(config: SFNClientConfig | SFNClient = {}) {
    this.client = config instanceof SFNClient ? config : new SFNClient(config);
  }

  async succeed(taskToken: string, output: unknown): Promise<void> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) }));
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    try {
      await this.client.send(
        new SendTaskFailureCommand({ taskToken, error: clip(error, 256), cause: clip(cause, 32_768) }),
      );
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async stop(executionArn: string, reason: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({ executionArn, error: 'Stopped', cause: clip(reason, 32_768) }),
      );
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
}
