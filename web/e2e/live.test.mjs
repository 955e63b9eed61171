// End-to-end test of drill-down, kiosk mode and the realtime fallback on a
// real `reportsd serve --demo` in headless Debian chromium: the NOC
// treemap drilled into a cost centre and back by mouse and by keyboard;
// the kiosk page (no controls, high-contrast theme) keeping its last
// values with a stale marker through a server restart and a network cut,
// and updating again after; the WebSocket killed server-side with
// WebSockets then failing, the SSE fallback keeping the KPI moving. axe-core
// finds no WCAG 2.1 A/AA violation in any state. Screenshots go to
// e2e/artifacts/ (ignored by git).
//   npm run e2e   (make web-e2e builds bin/reportsd first)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SHOTS, launch, noViolations, signIn } from './browser.mjs';
import { ADMIN, PASSWORD, apiClient, nocDashboard, openTickets, startServer } from './server.mjs';

const bin = process.env.REPORTSD ?? fileURLToPath(new URL('../../bin/reportsd', import.meta.url));

const TREEMAP = 'Expenses by cost centre';
let server, browser, page, api, noc;
const pageErrors = [];

before(async () => {
  server = await startServer(bin);
  api = await apiClient(server.base);
  noc = await nocDashboard(api);
  browser = await launch();
  page = await browser.ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signIn(page, server.base, ADMIN, PASSWORD);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The number a KPI card shows. */
async function kpiValue(title) {
  const card = page.getByRole('region', { name: title });
  return Number((await card.getByTestId('kpi-value').textContent()).replace(/\D/g, ''));
}

/** Waits until the KPI shows want. */
async function kpiReaches(title, want, timeout) {
  await page.waitForFunction(([t, w]) => {
    const card = [...document.querySelectorAll('section.widget')].find((s) => s.querySelector('h2')?.textContent === t);
    return Number(card?.querySelector('[data-testid=kpi-value]')?.textContent.replace(/\D/g, '')) === w;
  }, [title, want], { timeout });
}

const treemap = () => page.getByRole('region', { name: TREEMAP });
const crumbs = () => treemap().getByRole('navigation', { name: `Detalhamento de ${TREEMAP}` });
const drilled = () => page.waitForResponse((r) => /\/api\/widgets\/[^/]+\/drill$/.test(r.url()) && r.request().method() === 'POST');

/** The column headers of the treemap's data table. */
async function tableHeaders() {
  return treemap().locator('table.data-table thead th').allTextContents();
}

test('drill into a treemap node with the mouse, and back by the breadcrumb', async () => {
  // 30 days of demo events hold expenses in every cost centre.
  await page.goto(`${server.base}/ui/dashboards/${noc.id}?range=last_30d`);
  await page.getByTestId('live-status').getByText('Ao vivo').waitFor();
  const canvas = treemap().getByRole('img', { name: `Gráfico: ${TREEMAP}` }).locator('canvas').first();
  await canvas.waitFor();
  assert.deepEqual(await tableHeaders(), ['Centro de custo', 'Categoria', 'Valor', 'Detalhar']);
  await treemap().getByText('Clique em um elemento (ou use a tabela de dados) para detalhar.').waitFor();
  // The largest node is laid out from the top left corner.
  const box = await canvas.boundingBox();
  const res = drilled();
  await canvas.click({ position: { x: box.width * 0.15, y: box.height * 0.2 } });
  const r = await res;
  assert.equal(r.status(), 200);
  const body = JSON.parse(r.request().postData());
  assert.equal(body.path.length, 1);
  assert.equal(body.path[0].field, 'cost_center_id');
  assert.deepEqual(body.filters, { range: 'last_30d' });
  await crumbs().waitFor();
  // One level down: the categories of that cost centre, the bottom level.
  await crumbs().getByRole('button', { name: 'Voltar para Tudo' }).waitFor();
  assert.equal(await crumbs().locator('[aria-current=location]').count(), 1);
  const answer = await r.json();
  assert.deepEqual(answer.query.groups, [{ field: 'category' }]);
  await page.waitForFunction((t) => {
    const s = [...document.querySelectorAll('section.widget')].find((x) => x.querySelector('h2')?.textContent === t);
    return [...s.querySelectorAll('table.data-table thead th')].map((h) => h.textContent).join('|') === 'Categoria|Valor';
  }, TREEMAP);
  await noViolations(page, 'live-01-drilled');
  // No level below categories: a click says so instead of doing nothing.
  await canvas.click({ position: { x: box.width * 0.15, y: box.height * 0.2 } });
  await treemap().getByRole('status').getByText('Não há nível abaixo de “Categoria”.').waitFor();
  await noViolations(page, 'live-02-bottom');
  await crumbs().getByRole('button', { name: 'Voltar para Tudo' }).click();
  await crumbs().waitFor({ state: 'detached' });
  assert.deepEqual(await tableHeaders(), ['Centro de custo', 'Categoria', 'Valor', 'Detalhar']);
});

test('drill down and back by keyboard alone, through the data table', async () => {
  const summary = treemap().getByText('Ver dados em tabela');
  await summary.focus();
  await page.keyboard.press('Enter');
  const first = treemap().getByRole('button', { name: /^Detalhar / }).first();
  await first.waitFor();
  const name = (await first.textContent()).replace(/^Detalhar /, '');
  // Tab from the summary reaches the first row's button (nothing else in between).
  await page.keyboard.press('Tab');
  assert.equal(await first.evaluate((el) => el === document.activeElement), true);
  const res = drilled();
  await page.keyboard.press('Enter');
  assert.equal((await res).status(), 200);
  await crumbs().getByText(name, { exact: true }).waitFor();
  // Bottom level: the table offers no drill buttons (no dead ends).
  await page.waitForFunction((t) => {
    const s = [...document.querySelectorAll('section.widget')].find((x) => x.querySelector('h2')?.textContent === t);
    return s.querySelector('.drill-crumbs') && !s.querySelector('table.data-table button');
  }, TREEMAP);
  await noViolations(page, 'live-03-keyboard-drilled');
  const backTop = crumbs().getByRole('button', { name: 'Voltar para Tudo' });
  await backTop.focus();
  await page.keyboard.press('Enter');
  await crumbs().waitFor({ state: 'detached' });
  await treemap().getByRole('button', { name: `Detalhar ${name}` }).waitFor();
});

test('kiosk mode: no controls, high-contrast theme, large type', async () => {
  await page.goto(`${server.base}/ui/dashboards/${noc.id}?kiosk=1&range=last_30d`);
  await page.getByTestId('kiosk').getByRole('heading', { name: 'NOC', level: 1 }).waitFor();
  await page.getByTestId('live-status').getByText('Ao vivo').waitFor();
  await page.getByRole('region', { name: 'Open tickets' }).getByTestId('kpi-level').waitFor();
  await treemap().locator('canvas').first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'kiosk');
  const look = await page.evaluate(() => {
    const cs = getComputedStyle(document.body);
    return { bg: cs.backgroundColor, fg: cs.color, size: parseFloat(cs.fontSize) };
  });
  assert.deepEqual([look.bg, look.fg], ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
  assert.ok(look.size >= 18, `large type (${look.size}px)`);
  // No shell, no navigation, no controls, no links out.
  for (const role of ['navigation', 'button', 'link', 'combobox', 'textbox', 'banner']) {
    assert.equal(await page.getByRole(role).count(), 0, `no ${role} in kiosk mode`);
  }
  assert.equal(await page.locator('a, button, select, input, textarea, summary').count(), 0);
  // The keyboard leads nowhere: Tab finds no link, Escape changes nothing.
  const url = page.url();
  for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('a') === null), true);
  await page.keyboard.press('Escape');
  assert.equal(page.url(), url);
  await page.getByTestId('kiosk-age').waitFor();
  await noViolations(page, 'live-04-kiosk');
});

test('kiosk mode survives a server restart: stale marker while down, live again after', async () => {
  const before = await kpiValue('Open tickets');
  await server.halt();
  await page.getByTestId('kiosk-down').waitFor({ timeout: 10_000 });
  // The last values stay, marked stale once the connection has been down a while.
  await page.getByRole('region', { name: 'Open tickets' }).getByText('Desatualizado').waitFor({ timeout: 20_000 });
  assert.equal(await kpiValue('Open tickets'), before);
  await page.getByRole('region', { name: 'Open tickets' }).getByText(/atualizado há \d+ s/).waitFor();
  await noViolations(page, 'live-05-kiosk-server-down');
  await server.resume();
  await page.getByTestId('live-status').getByText(/Ao vivo( \(SSE\))?$/).waitFor({ timeout: 45_000 });
  await page.getByTestId('kiosk-down').waitFor({ state: 'detached' });
  await page.getByRole('region', { name: 'Open tickets' }).getByText('Desatualizado').waitFor({ state: 'detached' });
  // Values move again.
  api = await apiClient(server.base);
  const now = await kpiValue('Open tickets');
  assert.equal((await api('POST', '/api/events', openTickets(2))).status, 202);
  await kpiReaches('Open tickets', now + 2, 10_000);
  await noViolations(page, 'live-06-kiosk-back');
});

test('kiosk mode survives a network cut', async () => {
  const before = await kpiValue('Open tickets');
  await browser.ctx.setOffline(true);
  // Offline stops new connections; end the open ones server-side so the
  // page has to reconnect through the cut network.
  const r = await api('POST', '/api/admin/realtime/disconnect', { scope: 'tenant', transport: 'all' });
  assert.equal(r.status, 200);
  assert.ok(r.body.closed >= 1, `closed ${r.body.closed}`);
  await page.getByTestId('kiosk-down').waitFor({ timeout: 10_000 });
  await page.getByRole('region', { name: 'Open tickets' }).getByText('Desatualizado').waitFor({ timeout: 20_000 });
  assert.equal(await kpiValue('Open tickets'), before);
  await noViolations(page, 'live-07-kiosk-offline');
  await browser.ctx.setOffline(false);
  await page.getByRole('region', { name: 'Open tickets' }).getByText('Desatualizado').waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal((await api('POST', '/api/events', openTickets(1))).status, 202);
  await kpiReaches('Open tickets', before + 1, 10_000);
});

test('kiosk playlist rotates through dashboards', async () => {
  const other = await api('POST', '/api/dashboards', { name: 'Wall 2', description: '' });
  assert.equal(other.status, 201);
  await page.goto(`${server.base}/ui/dashboards/${noc.id}?kiosk=1&playlist=${noc.id},${other.body.id}&rotate=5`);
  await page.getByTestId('kiosk-rotation').getByText(/^Painel 1 de 2; próximo em \d s$/).waitFor();
  await page.getByRole('heading', { name: 'Wall 2', level: 1 }).waitFor({ timeout: 10_000 });
  assert.match(page.url(), new RegExp(`/ui/dashboards/${other.body.id}\\?.*kiosk=1`));
  await page.getByTestId('kiosk-rotation').getByText(/^Painel 2 de 2/).waitFor();
  await page.getByRole('heading', { name: 'NOC', level: 1 }).waitFor({ timeout: 10_000 });
});

test('WebSocket killed server-side: the SSE fallback keeps the KPI updating', async () => {
  // WebSockets pass through to the server until `blocked`; then they are
  // accepted and dropped at once (a proxy that kills them). The route is
  // set before the page loads: the client keeps the WebSocket class it
  // found then.
  let blocked = false, refused = 0;
  await page.routeWebSocket(/\/realtime$/, (ws) => {
    if (!blocked) { ws.connectToServer(); return; }
    refused++;
    ws.close({ code: 1011, reason: 'e2e: no websockets' });
  });
  await page.goto(`${server.base}/ui/dashboards/${noc.id}?range=`);
  await page.getByTestId('live-status').getByText(/Ao vivo$/).waitFor();
  await page.getByRole('region', { name: 'Open tickets' }).getByTestId('kpi-level').waitFor();
  // The KPI is live over the WebSocket.
  const start = await kpiValue('Open tickets');
  assert.equal((await api('POST', '/api/events', openTickets(1))).status, 202);
  await kpiReaches('Open tickets', start + 1, 5000);
  // Now the server kills the page's WebSocket, and WebSockets fail from then on.
  blocked = true;
  const sse = page.waitForRequest((req) => req.url().includes(`/sse/dashboards/${noc.id}?`));
  const r = await api('POST', '/api/admin/realtime/disconnect', { scope: 'tenant' });
  assert.equal(r.status, 200);
  assert.equal(r.body.closed, 1, 'the page\'s WebSocket was closed by the server');
  await sse;
  await page.getByTestId('live-status').getByText('Ao vivo (SSE)').waitFor();
  assert.ok(refused >= 2, `WebSocket attempts after the kill: ${refused}`);
  await noViolations(page, 'live-08-sse-fallback');
  const before = await kpiValue('Open tickets');
  assert.equal((await api('POST', '/api/events', openTickets(3))).status, 202);
  await kpiReaches('Open tickets', before + 3, 5000);
  assert.equal((await api('POST', '/api/events', openTickets(1))).status, 202);
  await kpiReaches('Open tickets', before + 4, 5000);
  // Still on SSE: no WebSocket came back.
  await page.getByTestId('live-status').getByText('Ao vivo (SSE)').waitFor();
  await page.screenshot({ path: `${SHOTS}live-09-sse-kpi-moved.png` });
  assert.deepEqual(pageErrors, []);
});
