// End-to-end test of sharing a dashboard with people and teams (R5.2) on a
// real `reportsd serve --demo` in headless Debian chromium: the demo admin
// creates a private dashboard, which the demo viewer (Vera Viewer, signed
// in in a second browser profile) does not see; the admin gives her view
// access from the dashboard's header; she then finds it in her list and
// opens it; the admin removes her access from the dashboards list (after
// confirming); she no longer sees it, and its address answers not found.
// axe-core finds no WCAG 2.1 A/AA violation in any state; screenshots go
// to e2e/artifacts/ (ignored by git).
//   REPORTSD=$PWD/../bin/reportsd node --test e2e/grants.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launch, noViolations, signIn } from './browser.mjs';
import { ADMIN, apiClient, PASSWORD, startServer } from './server.mjs';

const bin = process.env.REPORTSD ?? fileURLToPath(new URL('../../bin/reportsd', import.meta.url));

const NAME = 'Painel privado e2e';
const VIEWER = 'viewer@acme.example';
const VIEWER_NAME = 'Vera Viewer';
const TITLE = `Compartilhar “${NAME}” com pessoas e equipes`;
let server, api, adminBrowser, viewerBrowser, admin, viewer, dashboardId;
const pageErrors = [];

before(async () => {
  server = await startServer(bin);
  api = await apiClient(server.base);
  // Two browser profiles: two people signed in at once, cookies apart.
  adminBrowser = await launch();
  viewerBrowser = await launch();
  admin = await adminBrowser.ctx.newPage();
  viewer = await viewerBrowser.ctx.newPage();
  for (const p of [admin, viewer]) p.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await adminBrowser?.close();
  await viewerBrowser?.close();
  await server?.stop();
});

/** The viewer's list, searched for the dashboard: its link, or the empty state. */
async function viewerSearches() {
  await viewer.goto(server.base + '/ui/dashboards');
  await viewer.getByRole('heading', { name: 'Painéis', level: 1 }).waitFor();
  const searched = viewer.waitForResponse((r) => r.url().includes('/api/dashboards?') && r.url().includes('q='));
  await viewer.getByLabel('Buscar painéis').fill(NAME);
  const { total } = await (await searched).json();
  await viewer.getByRole('status').filter({ hasText: `${total} painel(is)` }).waitFor();
  return total;
}

test('the admin creates a private dashboard the viewer does not see', async () => {
  await signIn(admin, server.base, ADMIN, PASSWORD);
  await admin.getByRole('button', { name: 'Novo painel' }).click();
  const dlg = admin.getByRole('dialog', { name: 'Novo painel' });
  await dlg.getByLabel('Nome').fill(NAME);
  await dlg.getByLabel('Visibilidade').selectOption('private');
  await dlg.getByRole('button', { name: 'Salvar' }).click();
  await admin.getByRole('heading', { name: NAME, level: 1 }).waitFor();
  dashboardId = /\/ui\/dashboards\/([^/?]+)/.exec(admin.url())[1];
  assert.equal((await api('GET', `/api/dashboards/${dashboardId}`)).body.visibility, 'private');

  await signIn(viewer, server.base, VIEWER, PASSWORD);
  assert.equal(await viewerSearches(), 0, 'a private dashboard is listed to the viewer');
  assert.equal(await viewer.getByRole('link', { name: NAME }).count(), 0);
  await noViolations(viewer, 'grants-01-viewer-before');
});

test('the admin gives the viewer view access from the dashboard header', async () => {
  await admin.getByRole('group', { name: 'Ações do painel' }).getByRole('button', { name: 'Compartilhar' }).click();
  const dlg = admin.getByRole('dialog', { name: TITLE });
  await dlg.getByText('Ninguém recebeu acesso específico ainda.').waitFor();
  // The search field has the focus; the picker lists the tenant's people and teams.
  assert.equal(await dlg.getByLabel('Buscar pessoas e equipes').evaluate((el) => el === document.activeElement), true);
  await dlg.getByLabel('Pessoa ou equipe').locator('option', { hasText: VIEWER_NAME }).waitFor({ state: 'attached' });
  await noViolations(admin, 'grants-02-share-empty');

  // Nothing picked: the problem shows at the picker.
  await dlg.getByRole('button', { name: 'Conceder acesso' }).click();
  await dlg.getByText('Escolha uma pessoa ou equipe.').waitFor();
  assert.equal(await dlg.getByLabel('Pessoa ou equipe').getAttribute('aria-invalid'), 'true');
  await noViolations(admin, 'grants-03-share-error');

  // By keyboard: search, pick Vera, keep "Pode ver", give access.
  await dlg.getByLabel('Buscar pessoas e equipes').focus();
  await admin.keyboard.type('vera');
  await admin.waitForFunction(() => document.querySelectorAll('#grant-subject option').length === 2);
  await dlg.getByLabel('Pessoa ou equipe').selectOption({ label: VIEWER_NAME });
  assert.equal(await dlg.getByLabel('Papel').inputValue(), 'viewer');
  await dlg.getByRole('button', { name: 'Conceder acesso' }).focus();
  await admin.keyboard.press('Enter');
  const table = dlg.getByRole('table', { name: 'Com acesso' });
  await table.getByRole('rowheader', { name: VIEWER_NAME }).waitFor();
  assert.equal(await table.getByLabel(`Papel de ${VIEWER_NAME}`).inputValue(), 'viewer');
  await noViolations(admin, 'grants-04-share-granted');

  const grants = (await api('GET', `/api/dashboards/${dashboardId}/grants`)).body.items;
  assert.equal(grants.length, 1);
  assert.equal(grants[0].subject_name, VIEWER_NAME);
  assert.equal(grants[0].role, 'viewer');
  const audit = (await api('GET', '/api/audit?action=dashboard.grant_create&limit=5')).body.items;
  assert.ok(audit.some((a) => a.object_id === dashboardId), 'the grant is audited');

  // The focus stayed in the dialog: Escape closes it.
  assert.equal(await dlg.evaluate((el) => el.contains(document.activeElement)), true, 'the focus left the dialog');
  await admin.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
});

test('the viewer now finds the dashboard in her list and opens it', async () => {
  assert.equal(await viewerSearches(), 1);
  const link = viewer.getByRole('link', { name: NAME });
  await link.waitFor();
  await noViolations(viewer, 'grants-05-viewer-granted-list');
  await link.click();
  await viewer.getByRole('heading', { name: NAME, level: 1 }).waitFor();
  await viewer.getByText('Este painel ainda não tem widgets.').waitFor();
  // A viewer gets no share or settings controls.
  assert.equal(await viewer.getByRole('button', { name: 'Compartilhar' }).count(), 0);
  await noViolations(viewer, 'grants-06-viewer-opens');
});

test('the admin removes the access from the list, after confirming', async () => {
  // The viewer watches a live widget of the dashboard meanwhile.
  const w = await api('POST', '/api/widgets', { dashboard_id: dashboardId, type: 'kpi', viz: 'kpi', title: 'Open now',
    config_json: { query: { source: 'tickets', metrics: [{ agg: 'count', as: 'n' }] } } });
  assert.equal(w.status, 201);
  const cur = await api('GET', `/api/dashboards/${dashboardId}`);
  if (!cur.body.realtime_enabled) {
    const up = await api('PUT', `/api/dashboards/${dashboardId}`, { version: cur.body.version, realtime_enabled: true });
    assert.equal(up.status, 200, JSON.stringify(up.body));
  }
  await viewer.reload();
  await viewer.getByRole('region', { name: 'Open now' }).getByTestId('kpi-value').waitFor();
  await admin.goto(server.base + '/ui/dashboards');
  await admin.getByLabel('Buscar painéis').fill(NAME);
  const card = admin.getByRole('listitem').filter({ has: admin.getByRole('link', { name: NAME }) });
  await card.getByRole('button', { name: 'Compartilhar' }).click();
  const dlg = admin.getByRole('dialog', { name: TITLE });
  const table = dlg.getByRole('table', { name: 'Com acesso' });
  await table.getByRole('button', { name: `Remover o acesso de ${VIEWER_NAME}` }).click();
  const confirm = table.getByRole('button', { name: 'Sim, remover' });
  assert.equal(await confirm.evaluate((el) => el === document.activeElement), true, 'the confirmation takes the focus');
  await noViolations(admin, 'grants-07-revoke-confirm');
  await admin.keyboard.press('Enter');
  await dlg.getByText('Ninguém recebeu acesso específico ainda.').waitFor();
  await noViolations(admin, 'grants-08-revoked');
  assert.deepEqual((await api('GET', `/api/dashboards/${dashboardId}/grants`)).body.items, []);
  await dlg.getByRole('button', { name: 'Fechar' }).click();
  await dlg.waitFor({ state: 'detached' });
  // The viewer's open page stops showing the dashboard at once.
  await viewer.getByRole('alert').filter({ hasText: 'Este painel não está mais disponível para você' }).waitFor({ timeout: 5000 });
  assert.equal(await viewer.getByRole('region', { name: 'Open now' }).count(), 0);
  await noViolations(viewer, 'grants-08b-viewer-open-page-revoked');
});

test('the viewer no longer sees the dashboard', async () => {
  assert.equal(await viewerSearches(), 0, 'a revoked dashboard is still listed');
  assert.equal(await viewer.getByRole('link', { name: NAME }).count(), 0);
  await noViolations(viewer, 'grants-09-viewer-revoked-list');
  await viewer.goto(`${server.base}/ui/dashboards/${dashboardId}`);
  await viewer.getByRole('alert').filter({ hasText: /not found|não encontrad/i }).first().waitFor();
  assert.equal(await viewer.getByRole('heading', { name: NAME, level: 1 }).count(), 0);
  await noViolations(viewer, 'grants-10-viewer-revoked-open');
  assert.deepEqual(pageErrors, []);
});
