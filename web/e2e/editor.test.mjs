// End-to-end test of dashboard management and the widget editor on a real
// `reportsd serve --demo` in headless Debian chromium: sign in; create a
// dashboard; add a KPI by keyboard alone, then a bar chart previewed side
// by side with a pie, a treemap, a heatmap and a pivot through the query
// builder, each drawn with data; a value the server refuses shown at its
// input; reload and find them all; edit and delete a widget; change the
// dashboard's settings, duplicate it and delete the copy; the editor in
// English and the dark theme. axe-core finds
// no WCAG 2.1 A/AA violation in any of these states. Screenshots go to
// e2e/artifacts/ (ignored by git).
//   REPORTSD=$PWD/../bin/reportsd node --test e2e/editor.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launch, noViolations, signIn } from './browser.mjs';
import { ADMIN, apiClient, PASSWORD, startServer } from './server.mjs';

const bin = process.env.REPORTSD ?? fileURLToPath(new URL('../../bin/reportsd', import.meta.url));

const NAME = 'Operação e2e';
let server, browser, page, api, dashboardId;
const pageErrors = [];

before(async () => {
  server = await startServer(bin);
  api = await apiClient(server.base);
  browser = await launch();
  page = await browser.ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Presses Tab until target has the focus (keyboard only). */
async function tabTo(target, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the control');
}

function editorDialog() {
  return page.getByRole('dialog', { name: 'Novo widget' });
}

/** The saved widgets of the dashboard by title. */
async function savedWidgets() {
  const d = await api('GET', `/api/dashboards/${dashboardId}`);
  return Object.fromEntries(d.body.widgets.map((w) => [w.title, w]));
}

async function chartDrawn(title) {
  await page.getByRole('img', { name: `Gráfico: ${title}` }).locator('canvas').first().waitFor();
}

test('sign in and create a dashboard', async () => {
  await signIn(page, server.base, ADMIN, PASSWORD);
  await page.getByRole('button', { name: 'Novo painel' }).click();
  const dlg = page.getByRole('dialog', { name: 'Novo painel' });
  await dlg.getByLabel('Nome').fill(NAME);
  await dlg.getByLabel('Descrição').fill('Criado pelo teste do editor');
  await dlg.getByLabel('Visibilidade').selectOption('public');
  await noViolations(page, 'editor-01-create-dashboard');
  await dlg.getByRole('button', { name: 'Salvar' }).click();
  await page.getByRole('heading', { name: NAME, level: 1 }).waitFor();
  dashboardId = /\/ui\/dashboards\/([^/?]+)/.exec(page.url())[1];
  const d = await api('GET', `/api/dashboards/${dashboardId}`);
  assert.equal(d.body.visibility, 'public');
  await page.getByText('Este painel ainda não tem widgets.').waitFor();
});

test('a KPI added with the keyboard alone', async () => {
  const add = page.getByRole('button', { name: 'Adicionar widget' });
  await add.focus();
  await page.keyboard.press('Enter');
  const dlg = editorDialog();
  await dlg.waitFor();
  // The source (the first, tickets) and "count of rows" are the defaults.
  assert.equal(await dlg.getByLabel('Fonte de dados').evaluate((el) => el === document.activeElement), true, 'focus moved into the dialog');
  await tabTo(dlg.getByRole('checkbox', { name: 'KPI', exact: true }));
  await page.keyboard.press('Space');
  await tabTo(dlg.getByRole('checkbox', { name: 'Barras', exact: true }));
  await page.keyboard.press('Space');
  await tabTo(dlg.getByLabel('Título do widget'));
  await page.keyboard.type('Chamados no total');
  await tabTo(dlg.getByLabel('Meta'));
  await page.keyboard.type('100000');
  // A traffic-light band: "ok" from 0 up.
  await tabTo(dlg.getByRole('button', { name: 'Adicionar faixa' }));
  await page.keyboard.press('Enter');
  await tabTo(dlg.getByRole('group', { name: 'Faixa 1' }).getByLabel('A partir de'));
  await page.keyboard.type('0');
  await dlg.getByTestId('preview-grid').locator('[data-viz="kpi"]').getByTestId('kpi-level').getByText('Dentro do esperado').waitFor();
  await noViolations(page, 'editor-02-editor-kpi');
  await tabTo(dlg.getByRole('button', { name: 'Salvar widget' }));
  await page.keyboard.press('Enter');
  await dlg.waitFor({ state: 'detached' });
  const value = page.getByRole('region', { name: 'Chamados no total' }).getByTestId('kpi-value');
  await value.waitFor();
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=kpi-value]')?.textContent ?? ''));
  assert.ok(Number((await value.textContent()).replace(/\D/g, '')) > 0, 'the KPI counts the demo tickets');
  const w = (await savedWidgets())['Chamados no total'];
  assert.equal(w.type, 'kpi');
  assert.deepEqual(w.config_json.query, { source: 'tickets', metrics: [{ agg: 'count', as: 'count' }] });
  assert.deepEqual(w.config_json.kpi, { target: 100000, thresholds: [{ value: 0, level: 'ok' }] });
  // Placed on the grid, at the first free spot.
  const d = await api('GET', `/api/dashboards/${dashboardId}`);
  assert.deepEqual(d.body.layout_json.lg, [{ i: w.id, x: 0, y: 0, w: 6, h: 4 }]);
});

/** Opens the editor and builds a query: source, metric, groups. */
async function build({ source, field = '', agg, groups = [] }) {
  await page.getByRole('button', { name: 'Adicionar widget' }).click();
  const dlg = editorDialog();
  await dlg.waitFor();
  if (source) await dlg.getByLabel('Fonte de dados').selectOption(source);
  const metric = dlg.getByRole('group', { name: 'Métrica 1' });
  await metric.getByLabel('Campo').selectOption(field);
  if (agg) await metric.getByLabel('Agregação').selectOption(agg);
  for (const [i, g] of groups.entries()) {
    await dlg.getByRole('button', { name: 'Adicionar agrupamento' }).click();
    const row = dlg.getByRole('group', { name: `Agrupamento ${i + 1}` });
    await row.getByLabel('Campo').selectOption(g.field);
    if (g.granularity) await row.getByLabel('Granularidade').selectOption(g.granularity);
  }
  return dlg;
}

async function chooseVizzes(dlg, names) {
  for (const box of await dlg.locator('.viz-choices input[type=checkbox]').all()) if (await box.isChecked()) await box.uncheck();
  for (const n of names) await dlg.getByRole('checkbox', { name: n, exact: true }).check();
}

test('a bar chart, compared side by side with a pie, saved as both', async () => {
  const dlg = await build({ groups: [{ field: 'status' }] });
  await chooseVizzes(dlg, ['Barras', 'Pizza']);
  await dlg.getByLabel('Título do widget').fill('Status');
  const preview = dlg.getByTestId('preview-grid');
  await preview.locator('[data-viz="bar"] canvas').first().waitFor();
  await preview.locator('[data-viz="pie"] canvas').first().waitFor();
  // Side by side: the two previews share a row.
  const [a, b] = [await preview.locator('[data-viz="bar"]').boundingBox(), await preview.locator('[data-viz="pie"]').boundingBox()];
  assert.equal(Math.round(a.y), Math.round(b.y));
  assert.ok(b.x > a.x + a.width - 1);
  await noViolations(page, 'editor-03-editor-side-by-side');
  await dlg.getByRole('button', { name: 'Salvar 2 widgets' }).click();
  await dlg.waitFor({ state: 'detached' });
  await chartDrawn('Status — Barras');
  await chartDrawn('Status — Pizza');
  const ws = await savedWidgets();
  assert.deepEqual(ws['Status — Barras'].config_json.query, { source: 'tickets', metrics: [{ agg: 'count', as: 'count' }], groups: [{ field: 'status' }] });
  assert.equal(ws['Status — Pizza'].viz, 'pie');
});

test('a treemap of expenses by cost centre and category', async () => {
  const dlg = await build({ source: 'expenses', field: 'amount', agg: 'sum', groups: [{ field: 'cost_center_id' }, { field: 'category' }] });
  await chooseVizzes(dlg, ['Treemap']);
  await dlg.getByLabel('Título do widget').fill('Despesas');
  await dlg.getByTestId('preview-grid').locator('[data-viz="treemap"] canvas').first().waitFor();
  await dlg.getByRole('button', { name: 'Salvar widget' }).click();
  await dlg.waitFor({ state: 'detached' });
  await chartDrawn('Despesas');
  const q = (await savedWidgets())['Despesas'].config_json.query;
  assert.deepEqual(q.metrics, [{ agg: 'sum', field: 'amount', as: 'sum_amount' }]);
});

test('a heatmap of tickets by day and priority', async () => {
  const dlg = await build({ groups: [{ field: 'created_at', granularity: 'day' }, { field: 'priority' }] });
  await chooseVizzes(dlg, ['Mapa de calor']);
  await dlg.getByLabel('Título do widget').fill('Mapa');
  await dlg.getByTestId('preview-grid').locator('[data-viz="heatmap"] canvas').first().waitFor();
  await dlg.getByRole('button', { name: 'Salvar widget' }).click();
  await dlg.waitFor({ state: 'detached' });
  await chartDrawn('Mapa');
  const q = (await savedWidgets())['Mapa'].config_json.query;
  assert.deepEqual(q.groups, [{ field: 'created_at', granularity: 'day' }, { field: 'priority' }]);
  assert.ok(q.time_zone, 'a time bucket is computed in a time zone');
});

test('a pivot, after a value the server refuses is shown at its input', async () => {
  const dlg = await build({ groups: [{ field: 'status' }, { field: 'priority' }] });
  await chooseVizzes(dlg, ['Tabela dinâmica']);
  await dlg.getByLabel('Incluir linha de totais').check();
  await dlg.getByLabel('Título do widget').fill('Pivot');
  // A filter on a number field with text: POST /api/query answers 400 with
  // the problem at filters[0].value, shown under that input.
  await dlg.getByRole('button', { name: 'Adicionar filtro' }).click();
  const filter = dlg.getByRole('group', { name: 'Filtro 1' });
  await filter.getByLabel('Campo').selectOption('resolution_minutes');
  await filter.getByLabel('Operador').selectOption('>');
  const value = filter.getByLabel('Valor');
  await value.fill('muitos');
  await page.waitForFunction(() => document.querySelector('#qb-filters-0-value')?.getAttribute('aria-invalid') === 'true');
  const described = await value.getAttribute('aria-describedby');
  const message = await page.locator(`[id="${described.split(' ')[0]}"]`).textContent();
  // The server's message, in the UI's language (Accept-Language: pt-BR).
  assert.match(message, /deve ser um número/);
  await dlg.getByText('Corrija os campos marcados para ver a pré-visualização.').waitFor();
  await noViolations(page, 'editor-04-editor-invalid-value');
  await value.fill('0');
  await dlg.getByTestId('preview-grid').locator('[data-viz="table"]').getByRole('table').waitFor();
  assert.equal(await value.getAttribute('aria-invalid'), null);
  await dlg.getByRole('button', { name: 'Salvar widget' }).click();
  await dlg.waitFor({ state: 'detached' });
  const pivot = page.getByRole('region', { name: 'Pivot' });
  await pivot.getByRole('table').waitFor();
  assert.equal(await pivot.getByRole('row', { name: /^Total/ }).count(), 1);
  const q = (await savedWidgets())['Pivot'].config_json.query;
  assert.deepEqual(q.filters, [{ field: 'resolution_minutes', op: '>', value: 0 }]);
  assert.equal(q.totals, true);
  await noViolations(page, 'editor-05-dashboard-with-widgets');
});

const TITLES = ['Chamados no total', 'Status — Barras', 'Status — Pizza', 'Despesas', 'Mapa', 'Pivot'];

test('after a reload every widget is there, each on its own place', async () => {
  await page.reload();
  await page.getByRole('heading', { name: NAME, level: 1 }).waitFor();
  for (const title of TITLES) await page.getByRole('region', { name: title, exact: true }).waitFor();
  await page.getByRole('region', { name: 'Chamados no total' }).getByTestId('kpi-value').waitFor();
  for (const title of ['Status — Barras', 'Status — Pizza', 'Despesas', 'Mapa']) await chartDrawn(title);
  await page.getByRole('region', { name: 'Pivot' }).getByRole('table').waitFor();
  const d = await api('GET', `/api/dashboards/${dashboardId}`);
  const spots = d.body.layout_json.lg.map((it) => `${it.x},${it.y}`);
  assert.equal(d.body.layout_json.lg.length, TITLES.length);
  assert.equal(new Set(spots).size, spots.length, 'no two widgets share a spot');
});

test('a widget edited and another deleted, from layout editing', async () => {
  await page.getByRole('button', { name: 'Editar layout' }).click();
  await page.getByRole('button', { name: 'Editar widget “Pivot”' }).click();
  const dlg = page.getByRole('dialog', { name: 'Editar widget “Pivot”' });
  await dlg.getByLabel('Título do widget').fill('Pivot por status');
  await dlg.getByTestId('preview-grid').locator('[data-viz="table"]').getByRole('table').waitFor();
  await dlg.getByRole('button', { name: 'Salvar widget' }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.getByRole('region', { name: 'Pivot por status' }).getByRole('table').waitFor();
  await page.getByRole('button', { name: 'Excluir widget “Status — Pizza”' }).click();
  const confirm = page.getByRole('dialog', { name: 'Excluir o widget “Status — Pizza”?' });
  await noViolations(page, 'editor-06-delete-widget');
  await confirm.getByRole('button', { name: 'Excluir' }).click();
  await page.getByRole('region', { name: 'Status — Pizza' }).waitFor({ state: 'detached' });
  const ws = await savedWidgets();
  assert.equal(ws['Status — Pizza'], undefined);
  assert.equal(ws['Pivot por status'].version, 2);
  await page.getByRole('button', { name: 'Concluir edição' }).click();
});

test('the editor in English and the dark theme, three visualisations side by side', async () => {
  await page.getByLabel('Idioma').selectOption('en');
  await page.getByLabel('Theme').selectOption('dark');
  await page.getByRole('button', { name: 'Add widget' }).click();
  const dlg = page.getByRole('dialog', { name: 'New widget' });
  const metric = dlg.getByRole('group', { name: 'Metric 1' });
  await metric.getByLabel('Field').selectOption('resolution_minutes');
  await metric.getByLabel('Aggregation').selectOption('avg');
  await dlg.getByRole('button', { name: 'Add grouping' }).click();
  await dlg.getByRole('group', { name: 'Grouping 1' }).getByLabel('Field').selectOption('priority');
  await chooseVizzes(dlg, ['Horizontal bars', 'Donut', 'Pivot table']);
  const preview = dlg.getByTestId('preview-grid');
  await preview.locator('[data-viz="horizontal"] canvas').first().waitFor();
  await preview.locator('[data-viz="donut"] canvas').first().waitFor();
  await preview.locator('[data-viz="table"]').getByRole('table').waitFor();
  await noViolations(page, 'editor-07-editor-en-dark');
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('button', { name: 'Add widget' }).evaluate((el) => el === document.activeElement), true, 'focus back where it was');
  await page.getByLabel('Language').selectOption('pt-BR');
  await page.getByLabel('Tema').selectOption('system');
});

test('the dashboard renamed, duplicated, and the copy deleted', async () => {
  await page.getByRole('button', { name: 'Configurações' }).click();
  const dlg = page.getByRole('dialog', { name: `Configurações de “${NAME}”` });
  await dlg.getByLabel('Nome').fill(`${NAME} v2`);
  await dlg.getByLabel('Tempo real (widgets atualizados ao vivo)').check();
  await noViolations(page, 'editor-08-settings');
  await dlg.getByRole('button', { name: 'Salvar' }).click();
  await page.getByRole('heading', { name: `${NAME} v2`, level: 1 }).waitFor();
  // Realtime on: the widgets are subscribed and the page says it is live.
  await page.getByTestId('live-status').getByText('Ao vivo').waitFor();
  assert.equal((await api('GET', `/api/dashboards/${dashboardId}`)).body.realtime_enabled, true);

  await page.getByRole('group', { name: 'Ações do painel' }).getByRole('button', { name: 'Duplicar' }).click();
  await page.getByRole('heading', { name: `Copy of ${NAME} v2`, level: 1 }).waitFor();
  assert.notEqual(/\/ui\/dashboards\/([^/?]+)/.exec(page.url())[1], dashboardId);
  await page.getByRole('region', { name: 'Pivot por status' }).getByRole('table').waitFor();
  await chartDrawn('Despesas');

  await page.getByRole('group', { name: 'Ações do painel' }).getByRole('button', { name: 'Excluir' }).click();
  const confirm = page.getByRole('dialog', { name: `Excluir “Copy of ${NAME} v2”?` });
  await noViolations(page, 'editor-09-delete-dashboard');
  await confirm.getByRole('button', { name: 'Excluir' }).click();
  await page.getByRole('heading', { name: 'Painéis', level: 1 }).waitFor();
  await page.getByRole('link', { name: `${NAME} v2`, exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: `Copy of ${NAME} v2` }).count(), 0);
  await noViolations(page, 'editor-10-list-after');
  assert.deepEqual(pageErrors, []);
});
