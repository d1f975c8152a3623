/** Spawning the storage child process and reading what it acknowledged. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const CHILD = path.join(import.meta.dirname, 'storage-child.ts');

export type Child = {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line that starts with `prefix`. */
  waitFor(prefix: string): Promise<string>;
  exited: Promise<number | null>;
};

/** Runs `script` (the storage child unless given) under tsx with `args`. */
export function startChild(args: readonly string[], script = CHILD): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(w.prefix))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    waitFor: (prefix) =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => l.startsWith(prefix));
        if (found !== undefined) return resolve(found);
        waiters.push({ prefix, resolve });
        void exited.then((code) =>
          reject(new Error(`child exited (${code}) before "${prefix}": ${stderr}`)),
        );
      }),
  };
}

export async function runChild(args: readonly string[]): Promise<string[]> {
  const child = startChild(args);
  const code = await child.exited;
  if (code !== 0) throw new Error(`child failed with ${code}`);
  return child.lines;
}

/** Highest count the child acknowledged ("ack <n>" lines), or `fallback`. */
export function lastAck(lines: readonly string[], fallback: number): number {
  const acks = lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));
  return acks.length ? Math.max(...acks) : fallback;
}

export function integrityCheck(file: string): string {
  const db = new DatabaseSync(file);
  try {
    const rows = db.prepare('PRAGMA integrity_check').all();
    return rows.map((r) => String(r.integrity_check)).join('; ');
  } finally {
    db.close();
  }
}

export function countRows(file: string, sql: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number(db.prepare(sql).get()?.n ?? 0);
  } finally {
    db.close();
  }
}
