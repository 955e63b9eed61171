// Routes. The server answers index.html for every /ui/ path (http/ui.go),
// so each of these survives a reload.
import { lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { useI18n } from '../i18n/I18n';
import { DashboardsPage } from '../features/dashboards/DashboardsPage';
import { LoginPage } from '../features/session/LoginPage';
import { useSession } from '../features/session/session';
import { ShellOrKiosk } from '../features/kiosk/ShellOrKiosk';
import { RealtimeProvider } from '../realtime/RealtimeProvider';
import { AdminLayout } from '../features/admin/AdminLayout';
import { UsersPage } from '../features/admin/UsersPage';
import { TeamsPage } from '../features/admin/TeamsPage';
import { ApiKeysPage } from '../features/admin/ApiKeysPage';
import { DeadLettersPage } from '../features/admin/DeadLettersPage';
import { AuditPage } from '../features/admin/AuditPage';

// The dashboard page carries the charts and the grid (most of the code):
// loaded when a dashboard is first opened, not with the sign-in page;
// with ?kiosk=1 it is the kiosk page.
const DashboardPage = lazy(() => import('../features/kiosk/DashboardRoute').then((m) => ({ default: m.DashboardRoute })));

function Loading() {
  const { t } = useI18n();
  return <p className="loading" role="status">{t('app.loading')}</p>;
}

function RequireSession() {
  const { me } = useSession();
  const { t } = useI18n();
  const loc = useLocation();
  if (me === undefined) return <p className="loading" role="status">{t('app.loading')}</p>;
  if (me === null) return <Navigate to={`/ui/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  return (
    <RealtimeProvider enabled>
      <Outlet />
    </RealtimeProvider>
  );
}

function LoginFrame() {
  const { t } = useI18n();
  return (
    <main id="main" className="login-frame">
      <p className="brand">{t('app.name')}</p>
      <LoginPage />
      <footer className="muted">{t('app.footer')}</footer>
    </main>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <p role="alert">{t('app.notFound')}</p>;
}

export function App() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/ui/dashboards" replace />} />
      <Route path="/ui" element={<Navigate to="/ui/dashboards" replace />} />
      <Route path="/ui/login" element={<LoginFrame />} />
      <Route element={<RequireSession />}>
        <Route element={<ShellOrKiosk />}>
          <Route path="/ui/dashboards" element={<DashboardsPage />} />
          <Route path="/ui/dashboards/:id" element={<Suspense fallback={<Loading />}><DashboardPage /></Suspense>} />
          <Route path="/ui/admin" element={<AdminLayout />}>
            <Route index element={<Navigate to="/ui/admin/users" replace />} />
            <Route path="users" element={<UsersPage />} />
            <Route path="teams" element={<TeamsPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="dead-letters" element={<DeadLettersPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
          <Route path="*" element={<NotFound />} />
        </Route>
      </Route>
    </Routes>
  );
}
