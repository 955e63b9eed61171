// "Updated N s ago" and the stale marker of a widget.
import type { Status } from '../../realtime/client';
import type { Translate } from '../../i18n/I18n';

/** The age of data updated at `at` (ms), as people read it. */
export function ageText(now: number, at: number, t: Translate): string {
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 2) return t('widget.updatedNow');
  if (s < 120) return t('widget.updatedAgo', { n: s });
  return t('widget.updatedMin', { n: Math.floor(s / 60) });
}

export interface FreshnessInput {
  now: number;
  /** When the data was computed (or received), ms. */
  at: number;
  realtime: boolean;
  status: Status | 'off';
  /** Since when the connection is down (ms), when it is. */
  downSince: number | null;
  refreshIntervalSec: number;
}

/** Grace before a lost connection marks live data stale. */
export const STALE_AFTER_DOWN_MS = 10_000;

/**
 * Whether data is older than expected: a live widget whose connection has
 * been down for a while (its last values stay, marked), or a polled widget
 * not refreshed for two of its intervals.
 */
export function isStale(f: FreshnessInput): boolean {
  if (f.realtime && f.status !== 'off') {
    const live = f.status === 'open' || f.status === 'fallback';
    return !live && f.downSince !== null && f.now - f.downSince >= STALE_AFTER_DOWN_MS;
  }
  return f.refreshIntervalSec > 0 && f.now - f.at > 2 * f.refreshIntervalSec * 1000;
}
