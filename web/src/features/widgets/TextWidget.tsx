import { useMemo } from 'react';
import { renderMarkdown } from './markdown';

/** A text widget: its Markdown, sanitised (markdown.ts). */
export function TextWidget({ text, label }: { text: string; label: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // A focusable region, so a text longer than its tile scrolls by keyboard.
  return <div className="markdown" tabIndex={0} role="region" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}
