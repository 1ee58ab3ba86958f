// Shared by the browser tests: checks that print "ok - …", the HTTP API with a key, and Debian's
// chromium in a fresh profile (playwright-core). Env: BASE_URL.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const fail = (message) => { console.error('FAIL: ' + message); process.exitCode = 1; throw new Error(message); };
export const check = (condition, message) => { if (!condition) fail(message); console.log('ok - ' + message); };

export async function call(method, path, key, body) {
  const response = await fetch(process.env.BASE_URL + path, {
    method, headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Runs use(browser) in headless chromium with a fresh --user-data-dir (playwright passes it as the persistent context's folder). */
export async function withChromium(viewport, use) {
  const profile = mkdtempSync(join(tmpdir(), 'browser-test-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    await use(browser);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
