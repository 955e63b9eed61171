// Kiosk mode for wall displays (?kiosk=1 on a dashboard's URL): what the
// URL asks (a playlist of dashboards to rotate through, every `rotate`
// seconds) and where the rotation goes next. The page is in kiosk.tsx.
import { createContext, useContext } from 'react';

/** Bounds of the rotation interval, seconds. */
export const MIN_ROTATE_SEC = 5;
export const MAX_ROTATE_SEC = 3600;
export const DEFAULT_ROTATE_SEC = 60;

export interface KioskOptions {
  /** Dashboard ids to rotate through (empty: no rotation). */
  playlist: string[];
  /** Seconds each dashboard stays. */
  rotateSec: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The kiosk options of a URL's parameters, or null when not in kiosk mode. */
export function parseKiosk(params: URLSearchParams): KioskOptions | null {
  const k = params.get('kiosk');
  if (k !== '1' && k !== 'true') return null;
  const playlist: string[] = [];
  for (const id of (params.get('playlist') ?? '').split(',').map((x) => x.trim())) {
    if (ID.test(id) && !playlist.includes(id)) playlist.push(id);
  }
  const asked = Number(params.get('rotate'));
  const rotateSec = Number.isFinite(asked) && asked > 0
    ? Math.min(MAX_ROTATE_SEC, Math.max(MIN_ROTATE_SEC, Math.round(asked))) : DEFAULT_ROTATE_SEC;
  return { playlist, rotateSec };
}

/**
 * The rotation of a kiosk showing dashboard `current`: its place in the
 * playlist (a dashboard opened outside the list comes first) and the next
 * one; null when there is nothing to rotate to.
 */
export function rotation(current: string, playlist: string[]): { index: number; count: number; next: string } | null {
  const list = playlist.includes(current) ? playlist : [current, ...playlist];
  if (list.length < 2) return null;
  const index = list.indexOf(current);
  return { index, count: list.length, next: list[(index + 1) % list.length] };
}

/** The kiosk URL of a dashboard, keeping the kiosk options. */
export function kioskPath(id: string, o: KioskOptions, extra?: URLSearchParams): string {
  const q = new URLSearchParams(extra);
  q.set('kiosk', '1');
  if (o.playlist.length) q.set('playlist', o.playlist.join(','));
  else q.delete('playlist');
  q.set('rotate', String(o.rotateSec));
  return `/ui/dashboards/${encodeURIComponent(id)}?${q}`;
}

/** The kiosk's grid row height: the layout's rows fill the viewport, never smaller than `min`. */
export function kioskRowHeight(viewport: number, rows: number, chrome: number, margin = 12, min = 72): number {
  if (rows <= 0) return min;
  return Math.max(min, Math.floor((viewport - chrome - (rows - 1) * margin) / rows));
}

/** Whether the page is a kiosk (no controls anywhere). */
export const KioskContext = createContext(false);
export const useKiosk = () => useContext(KioskContext);
