import { describe, expect, it } from 'vitest';
import { gridLayouts, moveItem, resizeItem, sameLayout, toLayoutJSON } from './layout';
import type { GridItem } from '../../api/types';

// The demo NOC's large layout.
const noc: GridItem[] = [
  { i: 'open', x: 0, y: 0, w: 3, h: 2 }, { i: 'sla', x: 3, y: 0, w: 3, h: 2 }, { i: 'status', x: 6, y: 0, w: 6, h: 4 },
  { i: 'heat', x: 0, y: 2, w: 6, h: 5 }, { i: 'tree', x: 6, y: 4, w: 6, h: 5 }, { i: 'pivot', x: 0, y: 7, w: 6, h: 5 },
];
const at = (l: GridItem[], id: string) => l.find((it) => it.i === id)!;

function overlaps(l: GridItem[]): boolean {
  return l.some((a, i) => l.some((b, j) => i < j && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h));
}

describe('gridLayouts', () => {
  it('keeps saved breakpoints, drops gone widgets and places new ones at the bottom', () => {
    const l = gridLayouts({ lg: [...noc, { i: 'gone', x: 0, y: 20, w: 2, h: 2 }], sm: [{ i: 'open', x: 4, y: 0, w: 9, h: 2 }] },
      ['open', 'sla', 'status', 'heat', 'tree', 'pivot', 'new']);
    expect(l.lg!.map((it) => it.i)).toEqual(['open', 'sla', 'status', 'heat', 'tree', 'pivot', 'new']);
    expect(at(l.lg!, 'new')).toEqual({ i: 'new', x: 0, y: 12, w: 6, h: 4 });
    expect(at(l.sm!, 'open')).toEqual({ i: 'open', x: 0, y: 0, w: 6, h: 2 }); // clamped into 6 columns
    expect(Object.keys(l)).toEqual(['lg', 'sm']);
  });

  it('lays out a dashboard without a layout', () => {
    expect(gridLayouts(undefined, ['a', 'b', 'c']).lg).toEqual([
      { i: 'a', x: 0, y: 0, w: 6, h: 4 }, { i: 'b', x: 6, y: 0, w: 6, h: 4 }, { i: 'c', x: 0, y: 4, w: 6, h: 4 }]);
  });
});

describe('keyboard moves', () => {
  it('moves right and left within the columns', () => {
    let l = moveItem(noc, 'status', 1, 0, 12);
    expect(l).toBe(noc); // already at the right edge
    l = moveItem(noc, 'status', -1, 0, 12);
    expect(at(l, 'status')).toMatchObject({ x: 5 });
    expect(overlaps(l)).toBe(false);
  });

  it('moves down past the widget below and up again', () => {
    const down = moveItem(noc, 'open', 0, 1, 12);
    expect(at(down, 'open').y).toBeGreaterThan(0);
    expect(overlaps(down)).toBe(false);
    const up = moveItem(down, 'open', 0, -1, 12);
    expect(at(up, 'open').y).toBeLessThan(at(down, 'open').y);
    expect(overlaps(up)).toBe(false);
    expect(moveItem(noc, 'open', 0, -1, 12)).toBe(noc); // top edge
  });

  it('resizes within bounds and pushes what it covers down', () => {
    const wider = resizeItem(noc, 'open', 1, 0, 12);
    expect(at(wider, 'open')).toMatchObject({ x: 0, y: 0, w: 4, h: 2 });
    expect(overlaps(wider)).toBe(false);
    const taller = resizeItem(noc, 'heat', 0, 3, 12);
    expect(at(taller, 'heat').h).toBe(8);
    expect(at(taller, 'pivot').y).toBeGreaterThanOrEqual(10);
    expect(overlaps(taller)).toBe(false);
    expect(resizeItem(noc, 'status', 1, 0, 12)).toBe(noc); // full to the right edge
    expect(at(resizeItem(noc, 'open', 0, -5, 12), 'open').h).toBe(1);
  });
});

describe('toLayoutJSON', () => {
  it('keeps grid units only', () => {
    const j = toLayoutJSON({ lg: [{ ...noc[0], moved: false, static: false } as GridItem] });
    expect(j).toEqual({ lg: [{ i: 'open', x: 0, y: 0, w: 3, h: 2 }] });
    expect(sameLayout(noc, [...noc].reverse())).toBe(true);
    expect(sameLayout(noc, moveItem(noc, 'status', -1, 0, 12))).toBe(false);
  });
});
