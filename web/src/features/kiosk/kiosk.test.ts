import { describe, expect, it } from 'vitest';
import { DEFAULT_ROTATE_SEC, kioskPath, kioskRowHeight, parseKiosk, rotation } from './kiosk';

const p = (s: string) => new URLSearchParams(s);

describe('parseKiosk', () => {
  it('is null unless kiosk=1', () => {
    expect(parseKiosk(p(''))).toBeNull();
    expect(parseKiosk(p('kiosk=0'))).toBeNull();
    expect(parseKiosk(p('kiosk=yes'))).toBeNull();
    expect(parseKiosk(p('kiosk=1'))).toEqual({ playlist: [], rotateSec: DEFAULT_ROTATE_SEC });
  });
  it('reads the playlist (valid ids once each) and clamps the rotation', () => {
    expect(parseKiosk(p('kiosk=1&playlist=a1, b2,,a1,../x,c3&rotate=30'))).toEqual({ playlist: ['a1', 'b2', 'c3'], rotateSec: 30 });
    expect(parseKiosk(p('kiosk=1&rotate=1'))!.rotateSec).toBe(5);
    expect(parseKiosk(p('kiosk=1&rotate=99999'))!.rotateSec).toBe(3600);
    expect(parseKiosk(p('kiosk=1&rotate=abc'))!.rotateSec).toBe(DEFAULT_ROTATE_SEC);
    expect(parseKiosk(p('kiosk=1&rotate=-4'))!.rotateSec).toBe(DEFAULT_ROTATE_SEC);
  });
});

describe('rotation', () => {
  it('goes round the playlist', () => {
    expect(rotation('a', ['a', 'b', 'c'])).toEqual({ index: 0, count: 3, next: 'b' });
    expect(rotation('c', ['a', 'b', 'c'])).toEqual({ index: 2, count: 3, next: 'a' });
  });
  it('puts a dashboard opened outside the list first', () => {
    expect(rotation('x', ['a', 'b'])).toEqual({ index: 0, count: 3, next: 'a' });
  });
  it('has nothing to rotate with one dashboard', () => {
    expect(rotation('a', [])).toBeNull();
    expect(rotation('a', ['a'])).toBeNull();
  });
});

describe('kioskRowHeight', () => {
  it('fits the rows to the screen, not below the minimum', () => {
    // 1080 px, 100 px of title, 12 rows with 11 gaps of 12 px.
    expect(kioskRowHeight(1080, 12, 100)).toBe(72); // 70 would fit: the minimum wins
    expect(kioskRowHeight(1300, 12, 100)).toBe(89);
    expect(kioskRowHeight(2160, 12, 100)).toBe(Math.floor((2160 - 100 - 132) / 12));
    expect(kioskRowHeight(2160, 0, 100)).toBe(72);
  });
});

describe('kioskPath', () => {
  it('keeps the kiosk options and other parameters', () => {
    expect(kioskPath('b 2', { playlist: ['a', 'b 2'], rotateSec: 30 }, p('range=today&kiosk=1')))
      .toBe('/ui/dashboards/b%202?range=today&kiosk=1&playlist=a%2Cb+2&rotate=30');
    expect(kioskPath('a', { playlist: [], rotateSec: 60 })).toBe('/ui/dashboards/a?kiosk=1&rotate=60');
  });
});
