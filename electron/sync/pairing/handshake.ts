/**
 * Pairing proof: both ends show they hold the pairing secret without sending it. Each side sends
 * a fresh nonce; each answers with an HMAC-SHA-256 under the secret over both nonces, both
 * laptop ids, its role and the TLS session's exported keying material (RFC 5705), so a proof
 * cannot be replayed on another connection or relayed through a man in the middle. The hub
 * proves itself too: a laptop never sends data to a hub that does not know the code.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export interface ProofInput {
  readonly secret: string;
  readonly role: 'laptop' | 'hub';
  readonly hubNonce: string;
  readonly laptopNonce: string;
  readonly hubId: string;
  readonly laptopId: string;
  /** base64url of the TLS exporter bytes of this connection. */
  readonly channel: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function pairingProof(input: ProofInput): string {
  return createHmac('sha256', Buffer.from(input.secret, 'base64url'))
    .update(
      [
        'gate-ops-venue-sync/1',
        input.role,
        input.hubNonce,
        input.laptopNonce,
        input.hubId,
        input.laptopId,
        input.channel,
      ].join('\n'),
    )
    .digest('base64url');
}

export function proofMatches(expected: string, got: unknown): boolean {
  if (typeof got !== 'string' || got.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(got));
}

/** Keying material both ends of one TLS session derive alike (and nobody else can). */
export function channelBinding(socket: TLSSocket): string {
  return socket
    .exportKeyingMaterial(32, 'EXPORTER-gate-ops-venue-sync', Buffer.alloc(0))
    .toString('base64url');
}
