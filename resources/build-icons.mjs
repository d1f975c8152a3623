// Renders resources/icon.svg to the PNGs electron-builder packages (icon.png, 1024×1024, from
// which it derives .icns and .ico) and icon-512.png (Linux desktop entries), with Debian's
// Chromium through playwright-core, so no image tool has to be installed.
// Run: npx node resources/build-icons.mjs   (CHROMIUM=/path/to/chromium to override)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const here = import.meta.dirname;
const svg = await readFile(join(here, 'icon.svg'), 'utf8');
const userDataDir = await mkdtemp(join(tmpdir(), 'gateops-icons-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  for (const [size, name] of [
    [1024, 'icon.png'],
    [512, 'icon-512.png'],
  ]) {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    await page.screenshot({ path: join(here, name), omitBackground: true });
    console.log(`${name}: ${size}×${size}`);
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
