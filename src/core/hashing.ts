/**
 * sha1 hex digests of file contents and chunk texts (change detection, not security).
 * Node's one-shot `crypto.hash` (Node 20.12+) costs about half of `createHash()` for short
 * texts; VS Code releases before Node 20.12 lack it, hence the fallback.
 */
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: string | Buffer) => string;
const oneShot = (crypto as { hash?: OneShotHash }).hash;

export const sha1Hex: (data: string | Buffer) => string = oneShot
  ? (data) => oneShot('sha1', data)
  : (data) => crypto.createHash('sha1').update(data).digest('hex');
