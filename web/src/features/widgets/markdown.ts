// Text widgets: Markdown (GFM) rendered to HTML, then sanitised with
// DOMPurify so no script, event handler, style or javascript: URL from a
// widget's text reaches the page.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

/** Safe HTML of a Markdown text. */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text ?? '', { async: false, gfm: true, breaks: false }) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
  });
}
