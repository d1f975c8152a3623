/**
 * The hub's TLS certificate: self-signed (there is no CA on a venue LAN), ECDSA P-256, made with
 * @peculiar/x509 because Node's crypto can sign but cannot build an X.509 certificate. Joining
 * laptops do not trust it by chain but by its SHA-256 fingerprint, which travels in the join code.
 */
import { webcrypto, X509Certificate, createHash } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

export interface TlsIdentity {
  /** PKCS#8 private key, PEM. */
  readonly keyPem: string;
  readonly certPem: string;
  /** SHA-256 of the certificate's DER bytes, base64url (43 characters). */
  readonly fingerprint: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

let x509Module: Promise<typeof X509> | null = null;

/**
 * @peculiar/x509 is loaded only when a certificate is made (the first start of a laptop, a new
 * identity): with its ASN.1 packages it is about 170 files, 0.3-0.5 s of every start otherwise.
 * A failed load rejects with a message that names it (and is tried again next time).
 */
function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    try {
      await import('reflect-metadata'); // tsyringe, under @peculiar/x509, needs it first
      const x509 = await import('@peculiar/x509');
      x509.cryptoProvider.set(webcrypto as unknown as Crypto);
      return x509;
    } catch (error) {
      x509Module = null;
      throw new Error(
        `could not load the certificate library (@peculiar/x509): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  })();
  return x509Module;
}

export async function createTlsIdentity(commonName: string): Promise<TlsIdentity> {
  const x509 = await loadX509();
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
