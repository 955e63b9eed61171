// Debian's chromium driven by playwright-core (never a downloaded
// browser), with the flags this machine's closed network needs, and
// axe-core run inside the page.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; scripts/test-deps.sh does it)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'reports-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 1000 }, locale: 'pt-BR',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { ctx, async close() { await ctx.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** WCAG 2.0/2.1 A and AA violations on the page, as short strings. */
export async function axeViolations(page) {
  // Evaluated over the DevTools protocol: the page's CSP (no inline
  // script) does not apply, and nothing is added to the page's own code.
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return res.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(', ')}`);
}

/** Where screenshots go (ignored by git; CI keeps them as artefacts). */
export const SHOTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });

/**
 * Screenshots the page as `name` and asserts axe-core finds no WCAG 2.1
 * A/AA violation on it.
 */
export async function noViolations(page, name) {
  const v = await axeViolations(page);
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  assert.deepEqual(v, [], `axe on ${name}`);
}

/** Signs in through the login page and waits for the dashboards list. */
export async function signIn(page, base, email, password) {
  await page.goto(base + '/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Painéis', level: 1 }).waitFor();
}
