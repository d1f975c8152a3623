// Electron security scan: runs @doyensec/electronegativity over the app's sources and fails on
// any HIGH-severity finding that scripts/security-allowlist.json does not explain (one entry per
// check id + file, each with a reason). Lower severities are listed for review but do not fail.
//
//   node scripts/security-scan.mjs [--input DIR ...] [--allowlist FILE] [--json]
//
// The inputs are copied into one staging folder and scanned together, because the scanner's
// global checks (navigation limits, permission handler, CSP) look across everything it is given.
// Offline by design: the check that downloads Electron's release list is excluded (the Electron
// version is pinned in package.json and upgraded deliberately). The scanner's CLI entry cannot be
// used (it requires `commander`, which the package does not declare), so its runner API is.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    input: { type: 'string', multiple: true },
    allowlist: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const inputs = (values.input ?? ['electron', 'renderer']).map((p) => resolve(root, p));
const allowlistFile = resolve(root, values.allowlist ?? 'scripts/security-allowlist.json');

const require = createRequire(import.meta.url);
const electronegativity = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;

function loadAllowlist(file) {
  if (!existsSync(file)) return { entries: [], problems: [] };
  const entries = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  if (!Array.isArray(entries)) return { entries: [], problems: ['the allowlist must be an array'] };
  entries.forEach((e, i) => {
    if (typeof e?.id !== 'string' || typeof e?.file !== 'string') {
      problems.push(`allowlist entry ${i}: needs "id" and "file"`);
    }
    if (typeof e?.reason !== 'string' || e.reason.trim().length < 20) {
      problems.push(`allowlist entry ${i} (${e?.id} in ${e?.file}): needs a real "reason"`);
    }
  });
  return { entries, problems };
}

async function scan(input) {
  // The scanner logs its own chatter (translations it could not fetch); keep the report clean.
  const log = console.log;
  console.log = () => undefined;
  try {
    return await electronegativity({
      input,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      parserPlugins: [],
      isRelative: false,
      electronVersionOverride: electronVersion,
    });
  } finally {
    console.log = log;
  }
}

const { entries, problems } = loadAllowlist(allowlistFile);
const used = new Set();
const findings = [];
let scanErrors = 0;
const stage = mkdtempSync(join(tmpdir(), 'gateops-security-'));
try {
  const names = new Map();
  for (const input of inputs) {
    if (!existsSync(input)) continue;
    const name = basename(input);
    names.set(name, relative(root, input).split('\\').join('/'));
    cpSync(input, join(stage, name), { recursive: true });
  }
  // The scanner reads the Electron version from package.json.
  cpSync(join(root, 'package.json'), join(stage, 'package.json'));
  const toRepoPath = (file) => {
    const rel = relative(stage, file).split('\\').join('/');
    const [head, ...rest] = rel.split('/');
    return names.has(head) ? [names.get(head), ...rest].join('/') : rel;
  };
  const result = await scan(stage);
  for (const e of result.errors) {
    scanErrors++;
    console.error(`could not scan ${toRepoPath(e.file ?? stage)}: ${e.message ?? e.error ?? e}`);
  }
  for (const issue of result.issues) {
    const file = issue.file && issue.file !== 'N/A' ? toRepoPath(issue.file) : 'N/A';
    const entry = entries.find((a) => a.id === issue.id && a.file === file);
    if (entry) used.add(entry);
    findings.push({
      id: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      where: `${file}:${issue.location?.line ?? '?'}`,
      allowed: entry ? entry.reason : null,
    });
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}

const order = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };
findings.sort((a, b) => (order[a.severity] ?? 9) - (order[b.severity] ?? 9));
console.log(
  `electronegativity on ${inputs.map((i) => relative(root, i)).join(', ')} (Electron ${electronVersion})`,
);
for (const f of findings) {
  const status = f.allowed
    ? 'explained in the allowlist'
    : f.severity === 'HIGH'
      ? 'UNEXPLAINED'
      : 'review';
  console.log(`  ${f.severity.padEnd(6)} ${f.id.padEnd(34)} ${f.where}  — ${status}`);
}
for (const entry of entries) {
  if (!used.has(entry))
    console.log(`  note: allowlist entry ${entry.id} in ${entry.file} matched nothing`);
}
const unexplained = findings.filter((f) => f.severity === 'HIGH' && !f.allowed);
for (const p of problems) console.error(p);
const failed = unexplained.length > 0 || problems.length > 0 || scanErrors > 0;
if (values.json) {
  console.log(JSON.stringify({ failed, findings, unexplained, problems, scanErrors }));
}
console.log(
  `${findings.length} findings, ${unexplained.length} unexplained high-severity, ${scanErrors} scan errors: ${failed ? 'FAILED' : 'ok'}`,
);
process.exit(failed ? 1 : 0);
