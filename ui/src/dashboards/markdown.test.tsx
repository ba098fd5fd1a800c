import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';
import { MarkdownView } from './panels/TextPanel';

function html(src: string): string {
  const el = document.createElement('div');
  render(<MarkdownView source={src} />, el);
  return el.innerHTML;
}

describe('markdown', () => {
  it('keeps <script> and other markup as text', () => {
    const out = html('<script>alert(1)</script> <img src=x onerror=alert(1)>\n# <b>t</b>');
    expect(out).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p><h2>&lt;b&gt;t&lt;/b&gt;</h2>',
    );
  });
  it('renders the supported subset', () => {
    expect(html('# Title')).toBe('<h2>Title</h2>');
    expect(html('**bold** and *it* and `co<de>`')).toBe(
      '<p><strong>bold</strong> and <em>it</em> and <code>co&lt;de&gt;</code></p>',
    );
    expect(html('- a\n- b\n\n1. c')).toBe('<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>');
    expect(html('```\n<b>x</b>\n```')).toBe('<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>');
    expect(parseMarkdown('a\nb')).toEqual([{ t: 'p', c: [{ t: 'text', v: 'a b' }] }]);
  });
  it('links only http(s) targets', () => {
    expect(html('[docs](https://example.com/a?b=1&c=2)')).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">docs</a></p>',
    );
    expect(html('[x](javascript:alert(1))')).not.toContain('<a');
    expect(parseInline('[x](https://e.com/"onmouseover="alert(1))')[0]).toEqual({ t: 'text', v: '[x](https://e.com/"onmouseover="alert(1))' });
  });
});
