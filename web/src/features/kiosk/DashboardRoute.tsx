// /ui/dashboards/:id: the dashboard page, or the kiosk page with ?kiosk=1
// (loaded on demand with the charts and the grid).
import { useSearchParams } from 'react-router';
import { DashboardPage } from '../dashboards/DashboardPage';
import { parseKiosk } from './kiosk';
import { KioskPage } from './KioskPage';

export function DashboardRoute() {
  const [params] = useSearchParams();
  return parseKiosk(params) ? <KioskPage /> : <DashboardPage />;
}
