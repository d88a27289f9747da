import { type VerifyResult, verifyPrefixedSha256 } from './hmac';

export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * GitHub webhook: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 * Several secrets may be given to allow rotation.
 */
export const verifyGitHubSignature = (
  body: Buffer,
  signatureHeader: string | undefined,
  secrets: readonly string[],
): VerifyResult => verifyPrefixedSha256(body, signatureHeader, secrets, 'X-Hub-Signature-256');
