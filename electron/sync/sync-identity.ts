/**
 * This laptop's venue-sync identity and role, kept in `venue-sync.json` in the data folder
 * (owner-only: it holds the hub's private key and the pairing secrets). Local, never synced:
 * the laptop id, the hub certificate, this hub's pairing secret and code generation, and the
 * role to come back to after a restart (hub on a port, or joined with a code).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files';
import { randomDocId } from '../db';
import { createTlsIdentity, type TlsIdentity } from './pairing/certificate';

export const IDENTITY_FILE = 'venue-sync.json';

const roleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('off') }),
  z.object({
    kind: z.literal('hub'),
    host: z.string().max(64),
    port: z.number().int().min(0).max(65535),
  }),
  z.object({ kind: z.literal('joined'), code: z.string().max(1000) }),
]);
export type SyncRole = z.infer<typeof roleSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  laptopId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  tls: z.object({ keyPem: z.string(), certPem: z.string(), fingerprint: z.string() }),
  pairing: z.object({
    secret: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    generation: z.number().int().nonnegative(),
    retired: z.array(z.tuple([z.number().int(), z.number()])).max(1000),
  }),
  role: roleSchema,
});
export type SyncIdentity = z.infer<typeof fileSchema>;

export function newPairingSecret(): string {
  return randomBytes(16).toString('base64url');
}

export class SyncIdentityStore {
  private constructor(
    private readonly file: string,
    private value: SyncIdentity,
  ) {}

  static async open(
    dataDir: string,
    log: (l: string) => void = () => undefined,
  ): Promise<SyncIdentityStore> {
    const file = join(dataDir, IDENTITY_FILE);
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== null) {
      let parsed: SyncIdentity | null = null;
      try {
        const r = fileSchema.safeParse(JSON.parse(text));
        if (r.success) parsed = r.data;
      } catch {
        parsed = null;
      }
      if (parsed) return new SyncIdentityStore(file, parsed);
      // A damaged file is kept aside, never silently overwritten.
      const aside = `${file}.damaged-${Date.now()}`;
      await writeFileAtomic(aside, text, { mode: 0o600 });
      log(
        `venue sync: ${IDENTITY_FILE} was damaged; kept as ${aside}, this laptop has a new identity`,
      );
    }
    const tls = await createTlsIdentity('Gate Ops venue hub');
    const store = new SyncIdentityStore(file, {
      version: 1,
      laptopId: randomDocId(),
      tls: { ...tls },
      pairing: { secret: newPairingSecret(), generation: 1, retired: [] },
      role: { kind: 'off' },
    });
    await store.save();
    return store;
  }

  get identity(): SyncIdentity {
    return this.value;
  }

  get tls(): TlsIdentity {
    return this.value.tls;
  }

  async update(patch: Partial<Pick<SyncIdentity, 'pairing' | 'role'>>): Promise<void> {
    this.value = { ...this.value, ...patch };
    await this.save();
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, `${JSON.stringify(this.value, null, 1)}\n`, { mode: 0o600 });
  }
}
