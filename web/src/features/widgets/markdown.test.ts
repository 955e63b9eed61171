import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    const html = renderMarkdown('# Title\n\n**bold** and [link](https://example.com)\n\n- a\n- b');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://example.com">link</a>');
    expect(html).toContain('<li>a</li>');
  });

  it('removes scripts, handlers, styles and javascript: links', () => {
    const html = renderMarkdown('<script>alert(1)</script><img src=x onerror="alert(2)"><p style="color:red">x</p><iframe src="https://e"></iframe>\n\n[bad](javascript:alert(3)) <a href="javascript:alert(4)">x</a>');
    expect(html).not.toMatch(/<script|onerror|href="javascript:|style=|iframe/i);
  });
});
