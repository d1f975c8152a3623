/**
 * The hub's TLS certificate: self-signed (there is no CA on a venue LAN), ECDSA P-256, made with
 * @peculiar/x509 because Node's crypto can sign but cannot build an X.509 certificate. Joining
 * laptops do not trust it by chain but by its SHA-256 fingerprint, which travels in the join code.
 */
import 'reflect-metadata';
import { webcrypto, X509Certificate, createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TlsIdentity {
  /** PKCS#8 private key, PEM. */
  readonly keyPem: string;
  readonly certPem: string;
  /** SHA-256 of the certificate's DER bytes, base64url (43 characters). */
  readonly fingerprint: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function createTlsIdentity(commonName: string): Promise<TlsIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex'),
    // The name is for people reading it in a TLS tool; trust comes from the fingerprint.
    name: `CN=${commonName.replace(/[,=+<>#;"\\]/g, ' ').slice(0, 60) || 'Gate Ops hub'}`,
    notBefore: new Date(now - 24 * 3600_000),
    notAfter: new Date(now + 10 * 365 * 24 * 3600_000),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  const certPem = cert.toString('pem');
  return { keyPem, certPem, fingerprint: certificateFingerprint(certPem) };
}

/** SHA-256 over the DER bytes (what the join code pins), base64url. */
export function certificateFingerprint(certPem: string): string {
  return fingerprintOfDer(new X509Certificate(certPem).raw);
}

export function fingerprintOfDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}
