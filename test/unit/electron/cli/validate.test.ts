import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli';
import { contractExample, FIXTURES } from '../../../helpers/events';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

function lines(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate-ops-validate-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('gate-ops validate', () => {
  it('gives checkin for the contract example (a pretty-printed single event)', async () => {
    const r = await runCli(['validate', join(FIXTURES, 'contract-example.json')]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      { index: 0, verdict: 'checkin', key: 'ticketing.check_in.created:example', reasons: [] },
    ]);
    expect(r.stderr).toMatch(/1 event: 1 check-in, 0 skipped, 0 rejected/);
  });

  it('reads JSON Lines, names the broken field, and exits 1', async () => {
    const good = contractExample();
    const broken = contractExample();
    delete broken['data']['ticket_id'];
    const other = { specversion: '1.0', id: 'o1', source: 's', type: 'other.type' };
    const file = tempFile(
      'events.jsonl',
      [good, broken, other].map((e) => JSON.stringify(e)).join('\n') + '\n\nnot json\n',
    );
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out.map((o) => o.verdict)).toEqual(['checkin', 'rejected', 'skipped', 'rejected']);
    expect(out.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    expect(out[1].reasons).toContainEqual(
      expect.objectContaining({ code: 'required', path: '$.data.ticket_id' }),
    );
    expect(out[3].reasons[0].code).toBe('not_json');
    expect(r.stderr).toMatch(/4 events: 1 check-in, 1 skipped, 2 rejected/);
  });

  it('reads a JSON array', async () => {
    const bad = contractExample();
    bad['data']['schema_version'] = '2.0';
    const file = tempFile('events.json', JSON.stringify([contractExample(), bad], null, 2));
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out[0].verdict).toBe('checkin');
    expect(out[1].reasons[0]).toMatchObject({
      code: 'unsupported_major',
      path: '$.data.schema_version',
    });
  });

  it('classifies the bytes as given: the same verdict for an event in an array or on a line', async () => {
    // 66,773 bytes of \u00e9 escapes: over the 64 KiB limit as written, under it re-serialized.
    const big = contractExample();
    big['data']['attendee']['note'] = '\u00e9'.repeat(11_000);
    const text = JSON.stringify(big).replace(/\u00e9/g, '\\u00e9');
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 1024);
    const asLine = await runCli(['validate', tempFile('big.jsonl', text + '\n')]);
    const asArray = await runCli([
      'validate',
      tempFile('big.json', `[\n  ${text},\n  ${JSON.stringify(contractExample())}\n]`),
    ]);
    const line = lines(asLine.stdout)[0];
    const [item, second] = lines(asArray.stdout);
    expect(line.verdict).toBe('rejected');
    expect(line.reasons[0].code).toBe('too_large');
    expect({ ...item, line: undefined }).toEqual({ ...line, line: undefined });
    expect(second.verdict).toBe('checkin');
    // Invalid UTF-8 inside an array item is reported as such, not repaired.
    const raw = Buffer.from(JSON.stringify([contractExample()]));
    const at = raw.indexOf('"ticket_id"') + 14;
    const broken = Buffer.concat([raw.subarray(0, at), Buffer.from([0xff]), raw.subarray(at)]);
    const r = await runCli(['validate', tempFile('bad.json', broken)]);
    expect(lines(r.stdout)[0].reasons[0].code).toBe('invalid_utf8');
  });

  it('reads stdin with -', async () => {
    const r = await runCli(['validate', '-'], { stdin: JSON.stringify(contractExample()) + '\n' });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0].verdict).toBe('checkin');
  });

  it('reports invalid UTF-8 on a line as such', async () => {
    const line = Buffer.from(JSON.stringify(contractExample()));
    const file = tempFile(
      'bad.jsonl',
      Buffer.concat([
        line.subarray(0, 30),
        Buffer.from([0xff]),
        line.subarray(30),
        Buffer.from('\n'),
      ]),
    );
    const r = await runCli(['validate', file]);
    expect(lines(r.stdout)[0].reasons[0].code).toBe('invalid_utf8');
  });

  it('exits 2 with a clear message on a missing file or bad usage', async () => {
    const missing = await runCli(['validate', '/nonexistent/events.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*: no such file/);
    const folder = await runCli(['validate', tmpdir()]);
    expect(folder.code).toBe(2);
    const none = await runCli(['validate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exactly one FILE/);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
  });

  it('works as the installed bin, on whatever node starts it', () => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'gate-ops.mjs'), 'validate', join(FIXTURES, 'contract-example.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim()).verdict).toBe('checkin');
    const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'gate-ops.mjs'), '--help'], {
      encoding: 'utf8',
    });
    expect(help.stdout).toMatch(/validate/);
  });
});
