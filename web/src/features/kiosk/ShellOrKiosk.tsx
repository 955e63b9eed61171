// The signed-in frame: the shell (navigation, switches, user menu), but
// nothing around a kiosk page, which owns the whole screen.
import { Outlet, useSearchParams } from 'react-router';
import { Shell } from '../shell/Shell';
import { parseKiosk } from './kiosk';

export function ShellOrKiosk() {
  const [params] = useSearchParams();
  return parseKiosk(params) ? <Outlet /> : <Shell />;
}
