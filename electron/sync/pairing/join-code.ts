/**
 * The join code a hub shows (as text and as a QR code) and a joining laptop pastes or scans:
 * where the hub is (its LAN addresses and port), the pairing secret and the fingerprint of the
 * hub's certificate. One line of URL-safe text, so it survives chat apps and QR readers:
 *
 *   gateops-join:1/<addresses>/<port>/<generation>/<secret>/<fingerprint>
 *
 * addresses: comma-separated IPv4 or bracketed IPv6; generation: which code of this hub (a new
 * code bumps it, so the hub can tell an old code from a wrong one); secret: 16 random bytes and
 * fingerprint: SHA-256 of the certificate, both base64url.
 */
import { isIP } from 'node:net';

export interface JoinCode {
  readonly addresses: readonly string[];
  readonly port: number;
  readonly generation: number;
  /** base64url, 22 characters (16 bytes). */
  readonly secret: string;
  /** base64url SHA-256 of the hub certificate, 43 characters. */
  readonly fingerprint: string;
}

const PREFIX = 'gateops-join:1/';

export function formatJoinCode(code: JoinCode): string {
  const hosts = code.addresses.map((a) => (isIP(a) === 6 ? `[${a}]` : a)).join(',');
  return `${PREFIX}${hosts}/${code.port}/${code.generation}/${code.secret}/${code.fingerprint}`;
}

export class JoinCodeError extends Error {
  override readonly name = 'JoinCodeError';
}

/** Parses a pasted or scanned code; throws JoinCodeError with a reason a person can act on. */
export function parseJoinCode(text: string): JoinCode {
  const t = text.trim();
  if (!t.startsWith(PREFIX)) {
    throw new JoinCodeError(
      t.startsWith('gateops-join:')
        ? 'this join code is from another Gate Ops version'
        : 'this is not a Gate Ops join code (it starts with "gateops-join:1/")',
    );
  }
  const parts = t.slice(PREFIX.length).split('/');
  if (parts.length !== 5) throw new JoinCodeError('the join code is incomplete (copy all of it)');
  const [hosts, port, generation, secret, fingerprint] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const addresses = hosts
    .split(',')
    .map((h) => (h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h));
  if (addresses.length === 0 || addresses.length > 8 || addresses.some((a) => isIP(a) === 0)) {
    throw new JoinCodeError('the join code holds no valid hub address');
  }
  const p = Number(port);
  if (!/^\d{1,5}$/.test(port) || p < 1 || p > 65535) {
    throw new JoinCodeError('the join code holds no valid port');
  }
  if (!/^\d{1,9}$/.test(generation)) throw new JoinCodeError('the join code is damaged');
  if (!/^[A-Za-z0-9_-]{22}$/.test(secret) || !/^[A-Za-z0-9_-]{43}$/.test(fingerprint)) {
    throw new JoinCodeError('the join code is damaged (copy all of it)');
  }
  return { addresses, port: p, generation: Number(generation), secret, fingerprint };
}
