// A drilled widget's breadcrumb (back level by level, by mouse or
// keyboard), its progress and errors, and the note that a click found no
// level further down.
import { useI18n } from '../../i18n/I18n';
import { crumbs } from './drill';
import './drill.css';
import type { Drill } from './useDrill';

export function DrillBar({ drill, title, header }: { drill: Drill; title: string; header(column: string): string }) {
  const { t } = useI18n();
  if (!drill.levels) return null;
  const items = crumbs(drill.path, t('drill.top'));
  return (
    <div className="drill">
      {drill.path.length > 0 && (
        <nav aria-label={t('drill.breadcrumb', { title })} className="drill-crumbs">
          <ol>
            {items.map((c) => (
              <li key={c.depth}>
                {c.current
                  ? <span aria-current="location">{c.label}</span>
                  : <button type="button" className="link" onClick={() => drill.back(c.depth)}
                    aria-label={c.depth === 0 ? t('drill.backTop') : t('drill.backTo', { label: c.label })}>{c.label}</button>}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <p className="drill-status" role="status">
        {drill.busy ? t('app.loading') : drill.bottom ? t('drill.bottom', { level: header(drill.bottom) }) : ''}
      </p>
      {drill.error && <p className="error" role="alert">{t('drill.failed', { message: drill.error })}</p>}
    </div>
  );
}
