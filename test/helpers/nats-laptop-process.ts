/** Parent side of nats-laptop-child.ts: a laptop in its own process, with waits on its signals. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { NatsSyncConfigInput } from '../../electron/sync/nats/nats-config';
import type { NatsSyncStatus } from '../../electron/sync/nats/nats-sync';

const CHILD = path.join(import.meta.dirname, 'nats-laptop-child.ts');

export interface LaptopProcess {
  readonly name: string;
  readonly process: ChildProcess;
  status(): NatsSyncStatus | null;
  insertCheckins(eventId: string, from: number, to: number): Promise<void>;
  insertConflict(i: number): Promise<void>;
  /** Acknowledges alert number i; resolves with the acknowledgement's id. */
  insertAck(i: number): Promise<string>;
  /** Writes shift-log note number i; resolves with the note's id. */
  insertNote(i: number): Promise<string>;
  /** The ids of its acknowledgements and notes, sorted. */
  teamDocIds(): Promise<{ acks: string[]; notes: string[] }>;
  checkinIds(): Promise<string[]>;
  waitForStatus(done: (s: NatsSyncStatus) => boolean): Promise<NatsSyncStatus>;
  waitForCheckins(n: number): Promise<void>;
  waitForConflicts(n: number): Promise<void>;
  waitForAcks(n: number): Promise<void>;
  waitForNotes(n: number): Promise<void>;
  checkins(): number;
  close(): Promise<void>;
}

export function startLaptopProcess(
  name: string,
  input: NatsSyncConfigInput,
  env: NodeJS.ProcessEnv = {},
): LaptopProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, name, JSON.stringify(input)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let status: NatsSyncStatus | null = null;
  const counts = { checkins: 0, conflicts: 0, acks: 0, notes: 0 };
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const watchers = new Set<() => void>();
  let nextId = 1;
  let stderr = '';
  let exited = false;
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.on('exit', (code) => {
    exited = true;
    for (const p of pending.values())
      p.reject(new Error(`laptop ${name} exited (${code}): ${stderr}`));
    pending.clear();
    for (const w of [...watchers]) w();
  });
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line) as {
        id?: number;
        result?: unknown;
        error?: string;
        event?: string;
        status?: NatsSyncStatus;
        n?: number;
      };
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(msg.error));
        else p?.resolve(msg.result);
      } else if (msg.event === 'status') status = msg.status!;
      else if (msg.event === 'checkins') counts.checkins = msg.n!;
      else if (msg.event === 'conflicts') counts.conflicts = msg.n!;
      else if (msg.event === 'acks') counts.acks = msg.n!;
      else if (msg.event === 'notes') counts.notes = msg.n!;
      for (const w of [...watchers]) w();
    }
  });
  const call = (op: string, args: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`laptop ${name} has exited: ${stderr}`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  const waitFor = (done: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          watchers.delete(check);
          resolve();
        } else if (exited) {
          watchers.delete(check);
          reject(new Error(`laptop ${name} exited while waited on: ${stderr}`));
        }
      };
      watchers.add(check);
      check();
    });
  return {
    name,
    process: child,
    status: () => status,
    insertCheckins: async (eventId, from, to) =>
      void (await call('insert', { event: eventId, from, to })),
    insertConflict: async (i) => void (await call('conflict', { i })),
    insertAck: async (i) => (await call('ack', { i })) as string,
    insertNote: async (i) => (await call('note', { i })) as string,
    teamDocIds: async () => (await call('team')) as { acks: string[]; notes: string[] },
    checkinIds: async () => (await call('ids')) as string[],
    async waitForStatus(done) {
      await waitFor(() => status !== null && done(status));
      return status!;
    },
    waitForCheckins: (n) => waitFor(() => counts.checkins >= n),
    waitForConflicts: (n) => waitFor(() => counts.conflicts >= n),
    waitForAcks: (n) => waitFor(() => counts.acks >= n),
    waitForNotes: (n) => waitFor(() => counts.notes >= n),
    checkins: () => counts.checkins,
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call('close').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
