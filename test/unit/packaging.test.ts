import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
// electron-builder's own YAML reader (js-yaml, untyped), so the file is read as it will be.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  any
>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validation is real: a broken config is refused', async () => {
    await expect(
      validateConfiguration({ ...config, notAnOption: true } as never, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('names the app and targets every platform', () => {
    expect(config['appId']).toBe('com.gateops.desktop');
    expect(config['productName']).toBe('Gate Ops');
    expect(config['linux'].target).toEqual(['AppImage', 'deb']);
    expect(config['win'].target).toEqual(['nsis']);
    expect(config['mac'].target).toEqual(['dmg']);
  });

  it('packages only the build output (asar), never sources or tests', () => {
    expect(config['asar']).toBe(true);
    const files: string[] = config['files'];
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['out/**', 'package.json']);
    expect(pkg.main).toMatch(/^out\//);
    expect(config['electronFuses'].runAsNode).toBe(false);
    expect(config['electronFuses'].onlyLoadAppFromAsar).toBe(true);
  });

  it('icons exist: an SVG source and 1024/512 PNGs', () => {
    for (const key of ['icon', 'linux', 'win', 'mac']) {
      const icon = key === 'icon' ? config['icon'] : config[key].icon;
      expect(existsSync(join(root, icon))).toBe(true);
    }
    expect(readFileSync(join(root, 'resources/icon.svg'), 'utf8')).toContain('<svg');
    expect(pngSize(join(root, 'resources/icon.png'))).toEqual({ width: 1024, height: 1024 });
    expect(pngSize(join(root, 'resources/icon-512.png'))).toEqual({ width: 512, height: 512 });
  });

  it('npm run dist builds, then packages', () => {
    expect(pkg.scripts.dist).toBe('npm run build && electron-builder');
  });
});

const built = existsSync(join(root, 'out/main/index.js'));

describe.skipIf(!built)('the build output packages cleanly', () => {
  it('every package the main bundle imports is a runtime dependency (devDependencies are not packaged)', () => {
    const code = readFileSync(join(root, 'out/main/index.js'), 'utf8');
    const specifiers = new Set(
      [
        ...code.matchAll(
          /^\s*import\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm,
        ),
      ]
        .map((m) => m[1] ?? m[2] ?? '')
        .concat([...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? '')),
    );
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const missing: string[] = [];
    for (const spec of specifiers) {
      if (!spec || spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      if (spec === 'electron') continue;
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
      if (!name || !(name in pkg.dependencies)) missing.push(spec);
    }
    expect(missing).toEqual([]);
    // What the package leaves out of node_modules, the app must not import.
    const excluded = (config['files'] as string[])
      .map((f) => /^!node_modules\/((?:@[^/]+)|[^/]+)\/\*\*$/.exec(f)?.[1])
      .filter((name): name is string => name !== undefined);
    for (const spec of specifiers) {
      for (const name of excluded) expect(spec === name || spec.startsWith(`${name}/`)).toBe(false);
    }
  });

  it('the gate-ops command stays out of the package; tsx is a development tool only', () => {
    expect(config['files']).toContain('!out/cli/**');
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(readFileSync(join(root, 'out/main/index.js'), 'utf8')).not.toMatch(/["']tsx[/"']/);
  });

  it('the preload is one sandbox-compatible CommonJS file that requires only electron', () => {
    const code = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*import\s/m);
  });
});
