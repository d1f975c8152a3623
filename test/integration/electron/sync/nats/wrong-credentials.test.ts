import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../../electron/relay/clock';
import {
  AUTH_RETRY_BASE_MS,
  type NatsLinkFailure,
} from '../../../../../electron/sync/nats/nats-link';
import {
  insertCheckins,
  openLaptop,
  waitForCheckins,
  type Laptop,
} from '../../../../helpers/nats-laptop';
import { startNatsServer, type NatsServer } from '../../../../helpers/nats-server';

/** A clock whose timers run only when the test says so. */
function manualClock(): Clock & { timers: { fn: () => void; ms: number }[] } {
  const timers: { fn: () => void; ms: number }[] = [];
  return {
    timers,
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as never);
      if (i >= 0) timers.splice(i, 1);
    },
  };
}

const REFUSAL = /authentication error/i;
function refusalsLogged(server: NatsServer): number {
  return server
    .log()
    .split('\n')
    .filter((l) => REFUSAL.test(l)).length;
}

describe('NATS sync: credentials', () => {
  let server: NatsServer;
  let dir: string;
  const laptops: Laptop[] = [];
  beforeEach(async () => {
    server = await startNatsServer({ users: [{ user: 'north', password: 'right-password-123' }] });
    await server.ready();
    dir = mkdtempSync(join(tmpdir(), 'gate-ops-nats-cred-'));
  });
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.close()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function passwordFile(name: string, text: string, mode = 0o600): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  }

  it('a wrong password: a clear error, one attempt, the next only a minute later', async () => {
    const clock = manualClock();
    const file = passwordFile('wrong', 'wrong-password\n');
    const l = await openLaptop(
      'w',
      { url: server.url, venue: 'v1', user: 'north', passwordFile: file },
      { clock },
    );
    laptops.push(l);
    const refused = await new Promise<NatsLinkFailure>((resolve) => {
      const sub = l.sync.status$.subscribe((s) => {
        if (s.link.state === 'refused') {
          const link = s.link;
          queueMicrotask(() => sub.unsubscribe());
          resolve(link);
        }
      });
    });
    expect(refused.reason).toMatch(/refused the credentials/);
    expect(refused.reason).not.toContain('wrong-password');
    expect(l.lines.join('\n')).not.toContain('wrong-password');
    expect(l.sync.connectAttempts).toBe(1);
    await server.waitForLog(REFUSAL, 1);
    expect(refusalsLogged(server)).toBe(1);
    // Exactly one retry is scheduled, a minute out (not a storm of reconnects).
    const retries = clock.timers.filter((t) => t.ms >= AUTH_RETRY_BASE_MS);
    expect(retries).toHaveLength(1);
    expect(clock.timers).toHaveLength(1);
    clock.timers.splice(0, 1);
    retries[0]!.fn();
    await new Promise<void>((resolve) => {
      const sub = l.sync.status$.subscribe((s) => {
        if (s.link.state === 'refused' && s.link.attempt === 2) {
          queueMicrotask(() => sub.unsubscribe());
          resolve();
        }
      });
    });
    expect(l.sync.connectAttempts).toBe(2);
    await server.waitForLog(REFUSAL, 2);
    expect(refusalsLogged(server)).toBe(2);
    expect(clock.timers.map((t) => t.ms)).toEqual([2 * AUTH_RETRY_BASE_MS]);
  });

  it('the right password from an owner-only file syncs', async () => {
    const file = passwordFile('right', 'right-password-123\n');
    const a = await openLaptop('a', {
      url: server.url,
      venue: 'v1',
      user: 'north',
      passwordFile: file,
    });
    const b = await openLaptop('b', {
      url: server.url,
      venue: 'v1',
      user: 'north',
      passwordFile: file,
    });
    laptops.push(a, b);
    await insertCheckins(a, 'ev', 0, 50);
    await waitForCheckins(b, 50);
  });

  it('a password file others can read is refused before connecting', async () => {
    const file = passwordFile('open', 'right-password-123\n', 0o644);
    await expect(
      openLaptop('o', { url: server.url, venue: 'v1', user: 'north', passwordFile: file }),
    ).rejects.toThrow(/refusing the NATS password file .*other users can read it.*chmod 600/);
    expect(refusalsLogged(server)).toBe(0);
  });
});
