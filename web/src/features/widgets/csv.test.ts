import { describe, expect, it } from 'vitest';
import { toCSV } from './csv';

describe('toCSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(toCSV([['a', 'b, c'], ['say "hi"', 2], [null, -3], ['=SUM(A1)', '-5'], ['line\nbreak', '@x']]))
      .toBe('a,"b, c"\r\n"say ""hi""",2\r\n,-3\r\n\'=SUM(A1),-5\r\n"line\nbreak",\'@x\r\n');
  });
});
