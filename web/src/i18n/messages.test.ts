import { describe, expect, it } from 'vitest';
import { en, ptBR } from './messages';
import { format, translator } from './I18n';

describe('messages', () => {
  it('have the same keys and placeholders in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ptBR).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(ptBR) as (keyof typeof ptBR)[]) {
      expect(holes(en[k]), k).toEqual(holes(ptBR[k]));
      expect(en[k].trim(), k).not.toBe('');
    }
  });

  it('fill placeholders and default to Portuguese', () => {
    expect(format('{a} e {b}', { a: 1, b: 'x' })).toBe('1 e x');
    expect(translator('pt-BR')('dashboards.renameTitle', { name: 'NOC' })).toBe('Renomear “NOC”');
    expect(translator('en')('dashboards.renameTitle', { name: 'NOC' })).toBe('Rename “NOC”');
  });
});
