import { describe, expect, it } from 'vitest';
import { translator } from '../../i18n/I18n';
import { widgetErrorText } from './WidgetCard';

describe('widgetErrorText', () => {
  it('says a known code in the reader\'s language, not the server\'s English', () => {
    const pt = translator('pt-BR');
    expect(widgetErrorText(pt, { code: 'not_found', message: 'widget not found', field: '' }))
      .toBe('Este widget não está disponível para você (foi removido ou seu acesso mudou).');
    expect(widgetErrorText(translator('en'), { code: 'internal', message: 'sql: database is locked', field: '' }))
      .toBe('This widget failed to query its data. The error was logged.');
  });

  it('keeps the server\'s message for invalid input, which names the field', () => {
    expect(widgetErrorText(translator('pt-BR'), { code: 'invalid', message: 'filters[0].value: must be a number', field: 'filters[0].value' }))
      .toBe('Este widget falhou: filters[0].value: must be a number');
  });
});
