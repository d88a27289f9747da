import type { FakeSentryEvent } from '@enterprise-agents/fakes/sentry';

/** A Node event shaped like Sentry's `events/latest/` answer (frames outermost first, API `context` pairs). */
export const nodeEvent: Partial<FakeSentryEvent> = {
  title: "TypeError: Cannot read properties of undefined (reading 'id')",
  platform: 'node',
  release: { version: 'app@1.4.2' },
  tags: [
    { key: 'environment', value: 'production' },
    { key: 'level', value: 'error' },
    { key: 'transaction', value: 'POST /login' },
  ],
  entries: [
    {
      type: 'exception',
      data: {
        values: [
          {
            type: 'TypeError',
            value: "Cannot read properties of undefined (reading 'id')",
            stacktrace: {
              frames: [
                {
                  filename: 'node:internal/process/task_queues',
                  function: 'processTicksAndRejections',
                  lineNo: 95,
                  inApp: false,
                },
                {
                  filename: 'node_modules/express/lib/router/layer.js',
                  function: 'Layer.handle',
                  lineNo: 95,
                  inApp: false,
                },
                {
                  filename: 'src/routes/login.ts',
                  absPath: '/app/src/routes/login.ts',
                  function: 'loginRoute',
                  lineNo: 31,
                  inApp: true,
                  context: [
                    [30, '  const user = await findUser(req.body.email);'],
                    [31, '  return session.create(user.id);'],
                  ],
                },
                {
                  filename: 'node_modules/pg/lib/client.js',
                  function: 'Client.query',
                  lineNo: 520,
                  inApp: false,
                },
                {
                  filename: 'src/db/users.ts',
                  function: 'findUser',
                  lineNo: 12,
                  inApp: true,
                  context: [[12, '  return rows[0];']],
                },
              ],
            },
          },
        ],
      },
    },
    {
      type: 'breadcrumbs',
      data: {
        values: [
          {
            timestamp: '2024-05-01T10:00:00Z',
            category: 'http',
            level: 'info',
            data: { method: 'POST', url: '/login' },
          },
          {
            timestamp: '2024-05-01T10:00:01Z',
            category: 'query',
            message: 'SELECT * FROM users WHERE email = $1',
          },
        ],
      },
    },
    {
      type: 'request',
      data: {
        method: 'POST',
        url: 'https://app.example.com/login?next=/home',
        headers: [['Authorization', 'Bearer secret']],
        cookies: [['session', 'abc']],
      },
    },
  ],
};
