import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import type { FollowUpJob, FollowUpPort } from '../domain/ports';

/** Hands a follow-up to an asynchronous invocation of this same function (InvocationType Event). */
export class LambdaFollowUps implements FollowUpPort {
  private readonly client: LambdaClient;

  constructor(
    private readonly functionName: string,
    config: LambdaClientConfig | LambdaClient = {},
  ) {
    this.client = config instanceof LambdaClient ? config : new LambdaClient(config);
  }

  async enqueue(job: FollowUpJob): Promise<void> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(job)),
      }),
    );
    // An accepted asynchronous invocation answers 202.
    if (out.StatusCode !== 202)
      throw new Error(`asynchronous self-invocation answered ${out.StatusCode ?? 'nothing'}`);
  }
}
