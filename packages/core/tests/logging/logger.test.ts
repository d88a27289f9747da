import { withCorrelation } from '@enterprise-agents/core/logging';
import { captureLogger } from '@enterprise-agents/core/testing';

describe('logger', () => {
  it('redacts secrets, tokens, signatures and authorization headers at any of the first levels', () => {
    const { logger, lines } = captureLogger('svc');
    logger.info(
      {
        authorization: 'Bearer top',
        headers: {
          authorization: 'Bearer abc',
          'x-hub-signature-256': 'sha256=deadbeef',
          'x-slack-signature': 'v0=1',
        },
        secret: { signingSecret: 's3cr3t', nested: { token: 'xoxb-1', privateKey: '-----BEGIN' } },
        taskToken: 'AAAA-token',
        keep: 'visible',
      },
      'hello',
    );
    const line = lines()[0] ?? {};
    const text = JSON.stringify(line);
    for (const leaked of ['Bearer', 'deadbeef', 'v0=1', 's3cr3t', 'xoxb-1', 'BEGIN', 'AAAA-token'])
      expect(text).not.toContain(leaked);
    expect(line).toMatchObject({
      service: 'svc',
      keep: 'visible',
      msg: 'hello',
      level: 'info',
      taskToken: '[redacted]',
    });
  });

  it('stamps correlation ids on child loggers', () => {
    const { logger, lines } = captureLogger();
    withCorrelation(logger, { requestId: 'r-1', taskId: 't-1' }).info('step');
    expect(lines()[0]).toMatchObject({ requestId: 'r-1', taskId: 't-1' });
  });
});
