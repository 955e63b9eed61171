import { useMemo } from 'react';
import { renderMarkdown } from './markdown';

/** A text widget: its Markdown, sanitised (markdown.ts). */
export function TextWidget({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
