// End-to-end test of the Admin section on a real `reportsd serve --demo`
// in headless Debian chromium: the demo admin opens Admin from the
// navigation; creates a user (a too-short password is refused at its
// field), who can sign in until the admin disables her; creates a team
// and adds the demo viewer to it; creates a module API key, reads the
// plain key once, ingests an event with it (202), revokes it and sees the
// same request refused (401); finds an invalid event among the dead
// letters with its reason and payload; and finds these actions in the
// audit log. The demo viewer has no Admin link and /ui/admin/users tells
// her only administrators may open it. axe-core finds no WCAG 2.1 A/AA
// violation in any state; screenshots (admin-*) go to e2e/artifacts/.
//   REPORTSD=$PWD/../bin/reportsd node --test e2e/admin.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launch, noViolations, signIn } from './browser.mjs';
import { ADMIN, apiClient, openTickets, PASSWORD, startServer } from './server.mjs';

const bin = process.env.REPORTSD ?? fileURLToPath(new URL('../../bin/reportsd', import.meta.url));

const USER = { name: 'Rita Temporária', email: 'rita.e2e@acme.example', password: 'rita-password-e2e' };
const TEAM = 'Equipe e2e';
const KEY = 'Módulo de chamados e2e';
const VIEWER = 'viewer@acme.example';
const VIEWER_NAME = 'Vera Viewer';
const ONLY_ADMINS = 'Somente administradores podem abrir esta página.';
let server, api, adminBrowser, otherBrowser, page, other, userId, keyId, deadEvent, deadReason;
const pageErrors = [];

before(async () => {
  server = await startServer(bin);
  api = await apiClient(server.base);
  adminBrowser = await launch();
  otherBrowser = await launch();
  page = await adminBrowser.ctx.newPage();
  other = await otherBrowser.ctx.newPage();
  for (const p of [page, other]) p.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await adminBrowser?.close();
  await otherBrowser?.close();
  await server?.stop();
});

async function login(email, password) {
  const r = await fetch(server.base + '/api/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return r.status;
}

async function ingest(key, events) {
  const r = await fetch(server.base + '/api/events', {
    method: 'POST', headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' }, body: JSON.stringify(events),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const section = (name) => page.getByRole('navigation', { name: 'Seções da administração' }).getByRole('link', { name });

test('the admin opens Admin from the navigation and sees the users', async () => {
  await signIn(page, server.base, ADMIN, PASSWORD);
  await page.getByRole('navigation', { name: 'Navegação principal' }).getByRole('link', { name: 'Administração' }).click();
  await page.getByRole('heading', { name: 'Administração', level: 1 }).waitFor();
  assert.match(page.url(), /\/ui\/admin\/users$/);
  const table = page.getByRole('table', { name: /Usuários do locatário/ });
  await table.getByRole('rowheader', { name: VIEWER_NAME }).waitFor();
  await noViolations(page, 'admin-01-users');
});

test('the admin creates a user, the server refusing a short password at its field', async () => {
  await page.getByLabel('Nome').fill(USER.name);
  await page.getByLabel('E-mail', { exact: true }).fill(USER.email);
  await page.getByLabel('Papel', { exact: true }).selectOption('editor');
  await page.getByLabel('Senha inicial').fill('short');
  await page.getByRole('button', { name: 'Criar usuário' }).click();
  const pw = page.getByLabel('Senha inicial');
  await page.locator('#user-password-error').waitFor();
  assert.equal(await pw.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#user-password-error').textContent(), /10/);
  await noViolations(page, 'admin-02-user-error');

  await pw.fill(USER.password);
  await page.getByRole('button', { name: 'Criar usuário' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: USER.name }) });
  await row.waitFor();
  await page.getByTestId('announcer').filter({ hasText: `Usuário ${USER.name} criado.` }).waitFor();
  const listed = (await api('GET', '/api/users')).body.items.find((u) => u.email === USER.email);
  assert.equal(listed.role, 'editor');
  assert.equal(listed.disabled, false);
  userId = listed.id;
  assert.equal(await login(USER.email, USER.password), 200, 'the new user signs in');
});

test('the admin disables the user after confirming, and she can no longer sign in', async () => {
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: USER.name }) });
  await row.getByRole('button', { name: `Desativar ${USER.name}` }).click();
  const confirm = row.getByRole('group', { name: `Desativar ${USER.name}? A pessoa não poderá mais entrar.` });
  await confirm.waitFor();
  await noViolations(page, 'admin-03-disable-confirm');
  // The confirming button has the focus: Enter confirms.
  await page.keyboard.press('Enter');
  await row.getByRole('cell', { name: 'Desativado' }).waitFor();
  assert.equal((await api('GET', '/api/users')).body.items.find((u) => u.id === userId).disabled, true);
  assert.equal(await login(USER.email, USER.password), 401);

  await other.goto(server.base + '/ui/login');
  await other.getByLabel('E-mail').fill(USER.email);
  await other.getByLabel('Senha').fill(USER.password);
  await other.getByRole('button', { name: 'Entrar' }).click();
  await other.getByText('E-mail ou senha inválidos.').waitFor();
});

test('the admin creates a team and adds the viewer to it', async () => {
  await section('Equipes').click();
  await page.getByRole('heading', { name: 'Equipes', level: 2 }).waitFor();
  await page.getByLabel('Nome').fill(TEAM);
  await page.getByRole('button', { name: 'Criar equipe' }).click();
  await page.getByRole('rowheader', { name: TEAM }).waitFor();
  const team = (await api('GET', '/api/teams')).body.items.find((t) => t.name === TEAM);
  assert.ok(team, 'the team exists');

  await page.getByRole('button', { name: `Membros de ${TEAM}` }).click();
  await page.getByText('Esta equipe ainda não tem membros.').waitFor();
  const pick = page.getByLabel('Usuário', { exact: true });
  // A disabled user is not offered.
  assert.equal(await pick.locator('option', { hasText: USER.name }).count(), 0);
  await pick.selectOption({ label: `${VIEWER_NAME} (${VIEWER})` });
  await page.getByRole('button', { name: 'Adicionar membro' }).click();
  await page.getByRole('table', { name: `Membros de ${TEAM} (1)` }).getByRole('rowheader', { name: VIEWER_NAME }).waitFor();
  const viewerId = (await api('GET', '/api/users')).body.items.find((u) => u.email === VIEWER).id;
  assert.deepEqual((await api('GET', `/api/teams/${team.id}/members`)).body.items, [viewerId]);
  await noViolations(page, 'admin-04-team-members');
});

test('the admin creates an API key, sees it once, ingests with it, revokes it and the same request is refused', async () => {
  await section('Chaves de API').click();
  await page.getByRole('heading', { name: 'Chaves de API', level: 2 }).waitFor();
  await page.getByLabel('Nome').fill(KEY);
  await page.getByRole('group', { name: 'Fontes' }).getByLabel('Chamados').check();
  await page.getByRole('button', { name: 'Criar chave' }).click();
  const shown = page.getByRole('region', { name: `Chave “${KEY}” criada` });
  await shown.waitFor();
  const secret = await shown.getByLabel('Chave').inputValue();
  assert.match(secret, /^crk_/);
  await shown.getByText('Ela aparece só esta vez').waitFor();
  await noViolations(page, 'admin-05-key-created');

  const accepted = await ingest(secret, openTickets(1));
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  assert.equal(accepted.body.accepted, 1);

  await shown.getByRole('button', { name: 'Já copiei' }).click();
  await shown.waitFor({ state: 'detached' });
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: KEY }) });
  assert.match(await row.textContent(), /Chamados/);
  await page.reload();
  await page.getByRole('rowheader', { name: KEY }).waitFor();
  assert.equal((await page.content()).includes(secret), false, 'the key is never shown again');
  keyId = (await api('GET', '/api/api-keys')).body.items.find((k) => k.name === KEY).id;

  await row.getByRole('button', { name: `Revogar ${KEY}` }).click();
  await row.getByRole('group', { name: /Revogar .*\?/ }).getByRole('button', { name: 'Revogar' }).click();
  await row.getByText(/Revogada em/).waitFor();
  assert.equal(await row.getByRole('button', { name: `Revogar ${KEY}` }).count(), 0);
  const refused = await ingest(secret, openTickets(1));
  assert.equal(refused.status, 401);
  await noViolations(page, 'admin-06-key-revoked');
});

test('an invalid event shows among the dead letters with its reason and payload', async () => {
  const [ev] = openTickets(1);
  deadEvent = { ...ev, occurred_at: 'not-a-time' };
  const r = await api('POST', '/api/events', [deadEvent]);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.rejected.length, 1, JSON.stringify(r.body));
  deadReason = r.body.rejected[0].reason;

  await section('Eventos recusados').click();
  const table = page.getByRole('table', { name: /Eventos recusados/ });
  await table.waitFor();
  const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: deadEvent.id, exact: true }) });
  await row.getByText(deadReason, { exact: true }).waitFor();
  await row.getByText('Ver conteúdo').click();
  assert.match(await row.locator('pre').textContent(), /not-a-time/);
  await noViolations(page, 'admin-07-dead-letters');
});

test('the audit log shows these actions and filters them', async () => {
  await section('Auditoria').click();
  const table = page.getByRole('table', { name: /Ações registradas/ });
  await table.waitFor();
  for (const action of ['user.create', 'user.update', 'team.create', 'team.add_member', 'api_key.create', 'api_key.revoke']) {
    assert.ok(await table.getByRole('cell', { name: action, exact: true }).count() > 0, `${action} in the audit log`);
  }
  await noViolations(page, 'admin-08-audit');

  // Everything about the key: its creation, the ingest with it, its revocation.
  await page.getByLabel('Id do objeto').fill(keyId);
  await page.getByRole('button', { name: 'Filtrar' }).click();
  const filtered = page.getByRole('table', { name: 'Ações registradas (3), da mais recente' });
  await filtered.waitFor();
  const actions = await filtered.locator('tbody tr td:nth-child(3)').allTextContents();
  assert.deepEqual(actions, ['api_key.revoke', 'events.submit', 'api_key.create']);
  const created = filtered.getByRole('row').filter({ has: page.getByRole('cell', { name: 'api_key.create', exact: true }) });
  assert.match(await created.textContent(), /Ana Admin/);
  await created.getByText('Ver antes e depois').click();
  assert.match(await created.locator('details').textContent(), new RegExp(KEY));
  await noViolations(page, 'admin-09-audit-filtered');
});

test('the viewer has no Admin link and the admin pages tell her only administrators may open them', async () => {
  await signIn(other, server.base, VIEWER, PASSWORD);
  const nav = other.getByRole('navigation', { name: 'Navegação principal' });
  await nav.getByRole('link', { name: 'Painéis' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Administração' }).count(), 0);
  await other.goto(server.base + '/ui/admin/users');
  await other.getByText(ONLY_ADMINS).waitFor();
  assert.equal(await other.getByRole('table').count(), 0);
  await noViolations(other, 'admin-10-viewer-refused');
  assert.deepEqual(pageErrors, []);
});
