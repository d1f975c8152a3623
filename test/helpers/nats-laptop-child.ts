/**
 * One laptop in its own process (RxDB's open-source build allows 13 open collections per
 * process, and real laptops are separate processes anyway). Driven over stdin/stdout with JSON
 * lines by nats-laptop-process.ts: argv[2] is the laptop name, argv[3] the NATS sync input.
 */
import { createInterface } from 'node:readline';
import {
  checkinIds,
  insertAck,
  insertCheckins,
  insertConflict,
  insertNote,
  openLaptop,
  teamDocIds,
} from './nats-laptop';

const [name, inputJson] = process.argv.slice(2) as [string, string];
const laptop = await openLaptop(name, JSON.parse(inputJson), { env: process.env });
const out = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

laptop.sync.status$.subscribe((status) => out({ event: 'status', status }));
laptop.store.db.checkins.count().$.subscribe((n) => out({ event: 'checkins', n }));
laptop.store.db.conflicts.count().$.subscribe((n) => out({ event: 'conflicts', n }));
laptop.store.db.acks.count().$.subscribe((n) => out({ event: 'acks', n }));
laptop.store.db.notes.count().$.subscribe((n) => out({ event: 'notes', n }));

type Command = { id: number; op: string; [k: string]: unknown };
const ops: Record<string, (c: Command) => Promise<unknown>> = {
  insert: (c) => insertCheckins(laptop, String(c['event']), Number(c['from']), Number(c['to'])),
  conflict: (c) => insertConflict(laptop, Number(c['i'])),
  ack: (c) => insertAck(laptop, Number(c['i'])),
  note: (c) => insertNote(laptop, Number(c['i'])),
  ids: () => checkinIds(laptop),
  team: () => teamDocIds(laptop),
  close: async () => {
    await laptop.close();
    setImmediate(() => process.exit(0));
  },
};

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const command = JSON.parse(line) as Command;
  ops[command.op]!(command).then(
    (result) => out({ id: command.id, result: result ?? null }),
    (error: unknown) => out({ id: command.id, error: String((error as Error)?.stack ?? error) }),
  );
}
