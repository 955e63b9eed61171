// Starts a real `reportsd serve --demo` on a loopback port for the
// end-to-end test, and talks to its API as the demo admin.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PASSWORD = 'demo-password-e2e';
export const ADMIN = 'admin@acme.example';

/** Runs reportsd on dir, listening on listen; resolves when it listens. */
function run(bin, dir, listen, logs) {
  const proc = spawn(bin, ['serve', '--demo', '--events', '3000', '--listen', listen, '--data-dir', dir,
    '--realtime-coalesce', '50ms'], { env: { ...process.env, REPORTS_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr.on('data', (b) => { logs.text = (logs.text + b).slice(-20000); });
  const base = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('reportsd did not start in 60 s:\n' + out + logs.text)), 60_000);
    proc.stdout.on('data', (b) => {
      out += b;
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`reportsd exited (${code}):\n${out}${logs.text}`)); });
  });
  return { proc, base };
}

async function halt(proc) {
  proc.kill('SIGTERM');
  await new Promise((r) => { if (proc.exitCode !== null) r(); else proc.on('exit', r); });
}

/**
 * Starts the server; resolves with {base, stop, halt, resume}. halt stops
 * the process and keeps its data; resume starts it again on the same
 * address and data (a server restart as clients see it).
 */
export async function startServer(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'reports-e2e-'));
  const logs = { text: '' };
  let cur = run(bin, dir, '127.0.0.1:0', logs);
  const base = await cur.base;
  return {
    base,
    log: () => logs.text,
    halt: () => halt(cur.proc),
    async resume() {
      cur = run(bin, dir, new URL(base).host, logs);
      await cur.base;
    },
    async stop() {
      await halt(cur.proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An API client signed in as the demo admin (bearer token). */
export async function apiClient(base) {
  const r = await fetch(base + '/api/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: ADMIN, password: PASSWORD }),
  });
  if (!r.ok) throw new Error('login ' + r.status);
  const { token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** n ticket.created events of open tickets, now. */
export function openTickets(n) {
  const now = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => {
    const id = `e2e-${Date.now()}-${i}-${Math.random().toString(36).slice(2)}`;
    return { id, tenant_id: 'acme', source: 'tickets', type: 'ticket.created', occurred_at: now, entity_id: id, version: 1,
      data: { status: 'open', priority: 'urgent', category: 'network', created_at: now } };
  });
}

/** The demo NOC dashboard, through an apiClient. */
export async function nocDashboard(api) {
  const list = await api('GET', '/api/dashboards?q=NOC');
  const noc = list.body.items.find((d) => d.name === 'NOC');
  if (!noc) throw new Error('the demo NOC dashboard does not exist');
  return noc;
}
