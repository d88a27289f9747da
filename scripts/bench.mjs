#!/usr/bin/env node
// Cold-start benchmark for the Slack handler: @slack/web-api + core verifier
// (what slack-handler ships) against @slack/bolt with its AwsLambdaReceiver.
// Every variant is bundled with the same esbuild settings as scripts/build.mjs,
// then loaded in fresh node processes (interleaved, median of RUNS) and given
// one signed slash command, so the numbers include the first invocation.
// Not part of the test suite: timings depend on the machine. `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'dist', 'bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SIGNING_SECRET = 'bench-signing-secret';
const SLACK_BUDGET_MS = 3000;

// Entry points written next to the bundles so esbuild resolves the workspace's node_modules.
const entries = {
  baseline: `exports.handler = async () => ({ statusCode: 200, body: '' });`,
  'web-api-min': `
    import { WebClient } from '@slack/web-api';
    import { verifySlackSignature } from '../../../packages/core/src/signatures/slack';
    const client = new WebClient('xoxb-bench', { slackApiUrl: 'http://127.0.0.1:9/api/' });
    export const handler = async (event) => {
      const body = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      const check = verifySlackSignature({ body, signature: event.headers['x-slack-signature'],
        timestamp: event.headers['x-slack-request-timestamp'], signingSecret: process.env.BENCH_SIGNING_SECRET });
      if (!check.ok) return { statusCode: 401, body: '' };
      const text = new URLSearchParams(body.toString()).get('text');
      return { statusCode: 200, body: JSON.stringify({ response_type: 'ephemeral', text: 'help ' + text, api: client.slackApiUrl }) };
    };`,
  'bolt-min': `
    import { App, AwsLambdaReceiver } from '@slack/bolt';
    const receiver = new AwsLambdaReceiver({ signingSecret: process.env.BENCH_SIGNING_SECRET });
    const app = new App({ token: 'xoxb-bench', botId: 'B1', botUserId: 'U1', tokenVerificationEnabled: false,
      receiver, clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' } });
    app.command(/.*/, async ({ command, ack }) => { await ack({ response_type: 'ephemeral', text: 'help ' + command.text }); });
    let started;
    export const handler = async (event, context) => (await (started ??= receiver.start()))(event, context);`,
  // What slack-handler ships: the real handler (AWS SDK clients, DynamoDB, Secrets Manager, web-api).
  'slack-handler': `export { handler } from '../../../packages/slack-handler/src/handler';`,
  // The same handler with Bolt answering the HTTP side instead of our verifier.
  'slack-handler+bolt': `
    import { App, AwsLambdaReceiver } from '@slack/bolt';
    import { handler as ours } from '../../../packages/slack-handler/src/handler';
    const receiver = new AwsLambdaReceiver({ signingSecret: process.env.BENCH_SIGNING_SECRET });
    const app = new App({ token: 'xoxb-bench', botId: 'B1', botUserId: 'U1', tokenVerificationEnabled: false,
      receiver, clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' } });
    app.command(/.*/, async ({ command, ack }) => { await ack({ response_type: 'ephemeral', text: 'help ' + command.text }); });
    let started;
    export const handler = async (event, context) =>
      event.requestContext?.http ? (await (started ??= receiver.start()))(event, context) : ours(event);`,
};

/** A Secrets Manager stand-in on 127.0.0.1 so the real handler can read its secret offline. */
const startSecretsManager = async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/slack',
          Name: 'bench/slack',
          SecretString: JSON.stringify({ botToken: 'xoxb-bench', signingSecret: SIGNING_SECRET }),
        }),
      );
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
};

// Runs in the child: time require() and the first invocation of a signed `/agent help`.
const probe = `
const { createHmac } = require('node:crypto');
const t0 = process.hrtime.bigint();
const mod = require(process.env.BENCH_BUNDLE);
const t1 = process.hrtime.bigint();
const body = new URLSearchParams({ token: 'x', team_id: 'T1', channel_id: 'C1', user_id: 'U1', command: '/agent',
  text: 'help', response_url: 'https://hooks.slack.com/commands/T1/1/x', trigger_id: '1.2.3' }).toString();
const ts = String(Math.floor(Date.now() / 1000));
const sig = 'v0=' + createHmac('sha256', process.env.BENCH_SIGNING_SECRET).update('v0:' + ts + ':' + body).digest('hex');
const event = { version: '2.0', routeKey: 'POST /slack/commands', rawPath: '/slack/commands', rawQueryString: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig },
  requestContext: { requestId: 'bench', http: { method: 'POST', path: '/slack/commands', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Slackbot' } },
  body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
Promise.resolve(mod.handler(event, { functionName: 'bench', getRemainingTimeInMillis: () => 3000 })).then((res) => {
  const t2 = process.hrtime.bigint();
  process.stdout.write(JSON.stringify({ loadMs: Number(t1 - t0) / 1e6, invokeMs: Number(t2 - t1) / 1e6, status: res && res.statusCode }));
  process.exit(0);
}, (err) => { console.error(err); process.exit(1); });
`;

const runProbe = (env) => (file) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', probe], { env: { ...env, BENCH_BUNDLE: file } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const main = async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'entries'), { recursive: true });
  const built = {};
  for (const [name, source] of Object.entries(entries)) {
    const entry = join(work, 'entries', `${name}.${name === 'baseline' ? 'cjs' : 'ts'}`);
    writeFileSync(entry, source);
    const outDir = join(work, name);
    await bundle({ name, entry }, { outDir });
    built[name] = { file: join(outDir, 'index.js'), bytes: statSync(join(outDir, 'index.js')).size };
  }
  const secrets = await startSecretsManager();
  const env = {
    PATH: process.env.PATH,
    BENCH_SIGNING_SECRET: SIGNING_SECRET,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    TABLE_NAME: 'bench-table',
    EVENT_BUS_NAME: 'bench-bus',
    SLACK_SECRET_ARN: 'bench/slack',
    SLACK_DEFAULT_CHANNEL: 'C0BENCH',
    AWS_LAMBDA_FUNCTION_NAME: 'slack-handler-bench',
    LOG_LEVEL: 'silent',
  };
  const run_ = runProbe(env);
  const samples = Object.fromEntries(
    Object.keys(built).map((name) => [name, { load: [], invoke: [], wall: [] }]),
  );
  // Interleave the variants so drift on the machine hits them all alike.
  for (let run = 0; run < RUNS; run += 1) {
    for (const [name, { file }] of Object.entries(built)) {
      const started = process.hrtime.bigint();
      // Asynchronous spawn: the Secrets Manager stand-in lives in this process and must keep answering.
      const out = await run_(file);
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      if (out.status !== 0) throw new Error(`${name} failed: ${out.stderr}`);
      const result = JSON.parse(out.stdout);
      if (result.status !== 200) throw new Error(`${name} answered ${result.status} instead of 200`);
      samples[name].load.push(result.loadMs);
      samples[name].invoke.push(result.invokeMs);
      samples[name].wall.push(wall);
    }
  }
  await secrets.close();
  const baseLoad = median(samples.baseline.load);
  const rows = Object.entries(samples).map(([name, s]) => {
    const load = median(s.load);
    const invoke = median(s.invoke);
    return {
      variant: name,
      'bundle KiB': (built[name].bytes / 1024).toFixed(0),
      'load ms': load.toFixed(1),
      'load - baseline': (load - baseLoad).toFixed(1),
      'load ratio': (load / baseLoad).toFixed(1),
      'first invoke ms': invoke.toFixed(1),
      'load+invoke ms': (load + invoke).toFixed(1),
      'process wall ms': median(s.wall).toFixed(0),
      'margin of 3 s': (SLACK_BUDGET_MS - load - invoke).toFixed(0),
    };
  });
  console.log(
    `node ${process.version}, ${RUNS} fresh processes per variant (medians), esbuild settings of scripts/build.mjs`,
  );
  console.table(rows);
  const pick = (a, b) =>
    Number(rows.find((r) => r.variant === a)['margin of 3 s']) >=
    Number(rows.find((r) => r.variant === b)['margin of 3 s'])
      ? a
      : b;
  console.log(
    `larger margin (minimal): ${pick('web-api-min', 'bolt-min')}; larger margin (full handler): ${pick('slack-handler', 'slack-handler+bolt')}`,
  );
};

await main().catch((error) => {
  console.error(error);
  process.exit(1);
});
