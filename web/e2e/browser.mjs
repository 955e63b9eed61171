// Debian's chromium driven by playwright-core (never a downloaded
// browser), with the flags this machine's closed network needs, and
// axe-core run inside the page.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
