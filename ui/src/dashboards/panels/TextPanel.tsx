// Text panel: the markdown subset of ../markdown.ts, rendered as elements and text nodes.
import type { ComponentChildren } from 'preact';
import { parseMarkdown, type Block, type Inline } from '../markdown';
import type { PanelProps } from './types';

function inline(nodes: Inline[]): ComponentChildren {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'code':
        return <code key={i}>{n.v}</code>;
      case 'strong':
        return <strong key={i}>{inline(n.c)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.c)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {inline(n.c)}
          </a>
        );
      default:
        return null;
    }
  });
}

function block(b: Block, i: number) {
  switch (b.t) {
    case 'h': {
      const H = `h${Math.min(6, b.level + 1)}` as 'h2';
      return <H key={i}>{inline(b.c)}</H>;
    }
    case 'p':
      return <p key={i}>{inline(b.c)}</p>;
    case 'ul':
      return (
        <ul key={i}>
          {b.items.map((it, j) => (
            <li key={j}>{inline(it)}</li>
          ))}
        </ul>
      );
    case 'ol':
      return (
        <ol key={i}>
          {b.items.map((it, j) => (
            <li key={j}>{inline(it)}</li>
          ))}
        </ol>
      );
    case 'pre':
      return (
        <pre key={i}>
          <code>{b.v}</code>
        </pre>
      );
    default:
      return null;
  }
}

export function MarkdownView({ source }: { source: string }) {
  return <>{parseMarkdown(source).map(block)}</>;
}

export function TextPanel({ panel }: PanelProps) {
  const content = typeof panel.options?.content === 'string' ? panel.options.content : '';
  return (
    <div class="dash-text">
      <MarkdownView source={content} />
    </div>
  );
}
