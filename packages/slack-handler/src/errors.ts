import { AppError } from '@enterprise-agents/core/errors';

/** A Step Functions or self-invocation payload that does not match the contract (a bug upstream). */
export class InvalidPayloadError extends AppError {
  constructor(message: string) {
    super(message, { code: 'InvalidPayload', expose: true });
    this.name = 'InvalidPayload';
  }
}
