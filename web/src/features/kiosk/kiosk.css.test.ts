// @vitest-environment node
// The kiosk theme's colours as app.css-style variables in kiosk.css, read
// from the file: text pairs >= 4.5:1, borders and graphics >= 3:1 (WCAG
// 1.4.3, 1.4.11), charts' dark palette included.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ink, palettes } from '../widgets/ChartWidget';

const css = readFileSync(fileURLToPath(new URL('./kiosk.css', import.meta.url)), 'utf8');
const block = /\[data-theme='kiosk'\]\s*\{([^}]*)\}/.exec(css)![1];
const vars = Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

describe('kiosk theme contrast', () => {
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('outlines heatmap cells at >= 3:1 on the chart background of every theme', () => {
    for (const theme of ['light', 'dark'] as const) {
      expect(contrast(ink[theme].muted, ink[theme].background)).toBeGreaterThanOrEqual(3);
    }
  });

  it('has text >= 4.5:1 on every background it sits on', () => {
    const text = ['fg', 'muted', 'accent', 'ok', 'warn', 'crit'];
    for (const bg of ['bg', 'card']) {
      for (const fg of text) expect(contrast(vars[fg], vars[bg]), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
    for (const l of ['ok', 'warn', 'crit']) expect(contrast(vars[l], vars[`${l}-bg`]), `${l} on ${l}-bg`).toBeGreaterThanOrEqual(4.5);
    expect(contrast(vars['accent-fg'], vars.accent)).toBeGreaterThanOrEqual(4.5);
  });

  it('has borders, focus and chart graphics >= 3:1', () => {
    for (const bg of ['bg', 'card']) {
      expect(contrast(vars.line, vars[bg])).toBeGreaterThanOrEqual(3);
      expect(contrast(vars.focus, vars[bg])).toBeGreaterThanOrEqual(3);
      for (const c of palettes.dark) expect(contrast(c, vars[bg]), `series ${c} on ${bg}`).toBeGreaterThanOrEqual(3);
      expect(contrast(ink.dark.text, vars[bg])).toBeGreaterThanOrEqual(4.5);
      expect(contrast(ink.dark.muted, vars[bg])).toBeGreaterThanOrEqual(4.5);
    }
  });
});
