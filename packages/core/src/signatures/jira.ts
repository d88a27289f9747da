import { type VerifyResult, verifyPrefixedSha256 } from './hmac';

export const JIRA_SIGNATURE_HEADER = 'x-hub-signature';

/**
 * Jira Cloud admin webhook with a secret: `X-Hub-Signature: sha256=<hex>` (WebSub
 * form; not the `-256` header GitHub uses).
 */
export const verifyJiraSignature = (
  body: Buffer,
  signatureHeader: string | undefined,
  secrets: readonly string[],
): VerifyResult => verifyPrefixedSha256(body, signatureHeader, secrets, 'X-Hub-Signature');
