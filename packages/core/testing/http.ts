import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { hmacSha256Hex } from '../src/signatures/hmac';
import { signSlackRequest } from '../src/signatures/slack';

export interface HttpEventInput {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deliver the body base64-encoded, as API Gateway does for form bodies. */
  base64?: boolean;
}

/** An API Gateway HTTP API (payload 2.0) event shaped like the real one. */
export const httpEvent = ({
  method = 'POST',
  path,
  headers = {},
  body,
  base64 = false,
}: HttpEventInput): APIGatewayProxyEventV2 => {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: lower,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: lower['user-agent'] ?? 'test',
      },
    },
    body: bytes === undefined ? undefined : base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: base64,
  } as APIGatewayProxyEventV2;
};

export const githubSignature = (body: string | Buffer, secret: string): string =>
  `sha256=${hmacSha256Hex(secret, body)}`;
export const jiraSignature = githubSignature;
export const sentrySignature = (body: string | Buffer, secret: string): string => hmacSha256Hex(secret, body);
export const slackHeaders = (
  body: string,
  signingSecret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
) => ({
  'content-type': 'application/x-www-form-urlencoded',
  'x-slack-request-timestamp': String(nowSeconds),
  'x-slack-signature': signSlackRequest(body, signingSecret, nowSeconds),
});
