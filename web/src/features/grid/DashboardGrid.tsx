// The responsive grid (react-grid-layout): drag by the handle and resize
// from the corner while editing, and the same with the keyboard on the
// handle (arrows move, Shift + arrows resize), announced in a live region.
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { Responsive, useContainerWidth, type Layout } from 'react-grid-layout';
import type { Breakpoint } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { prefersReducedMotion } from '../../theme/Theme';
import { BREAKPOINTS, COLS } from './layout';
import type { LayoutEditor } from './useLayoutEditor';

const ROW_HEIGHT = 64;
const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export interface GridChild {
  id: string;
  title: string;
  render(onHandleKey: (e: KeyboardEvent<HTMLButtonElement>) => void): ReactNode;
}

export function DashboardGrid({ editor, editing, items, rowHeight = ROW_HEIGHT }: {
  editor: LayoutEditor; editing: boolean; items: GridChild[];
  /** Pixels per grid row (kiosk mode fits the screen's height). */
  rowHeight?: number;
}) {
  const { t } = useI18n();
  const { width, containerRef, mounted } = useContainerWidth();
  const [said, setSaid] = useState('');

  function handleKey(item: GridChild, e: KeyboardEvent<HTMLButtonElement>) {
    const d = ARROWS[e.key];
    if (!d) return;
    e.preventDefault();
    const kind = e.shiftKey ? 'resize' : 'move';
    const it = editor.nudge(item.id, kind, d[0], d[1]);
    if (!it) setSaid(t('grid.unchanged', { title: item.title }));
    else if (kind === 'move') setSaid(t('grid.moved', { title: item.title, x: it.x + 1, y: it.y + 1 }));
    else setSaid(t('grid.resized', { title: item.title, w: it.w, h: it.h }));
    // The handle keeps focus across the re-render (same key), so arrows can repeat.
  }

  const onStop = (layout: Layout) => editor.commit(layout);

  return (
    <div ref={containerRef} className={`grid ${editing ? 'editing' : ''}`} role="region" aria-label={t('grid.region')}>
      <p id="grid-help" className={editing ? 'grid-help' : 'visually-hidden'}>{t('grid.help')}</p>
      <div className="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="grid-live">{said}</div>
      {mounted && (
        <Responsive
          width={width}
          layouts={editor.layouts}
          breakpoints={BREAKPOINTS}
          cols={COLS}
          rowHeight={rowHeight}
          margin={[12, 12]}
          containerPadding={[0, 0]}
          dragConfig={{ enabled: editing, handle: '.drag-handle', threshold: 3 }}
          resizeConfig={{ enabled: editing, handles: ['se'] }}
          onBreakpointChange={(bp) => editor.setBreakpoint(bp as Breakpoint)}
          onLayoutChange={(layout) => editor.observe(layout)}
          onDragStop={onStop}
          onResizeStop={onStop}
          className={prefersReducedMotion() ? 'no-motion' : undefined}
        >
          {items.map((item) => (
            <div key={item.id} className="grid-item">
              {item.render((e) => handleKey(item, e))}
            </div>
          ))}
        </Responsive>
      )}
    </div>
  );
}
