// A markdown subset for text panels, parsed into a small tree that is rendered as Preact
// elements and text nodes (never as HTML): headings, paragraphs, bold, italics, inline code,
// code blocks, lists and links with http(s) targets. Anything else, markup included, is text.

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type Block =
  | { t: 'h'; level: number; c: Inline[] }
  | { t: 'p'; c: Inline[] }
  | { t: 'ul' | 'ol'; items: Inline[][] }
  | { t: 'pre'; v: string };

const INLINE_RULES: { re: RegExp; make(m: RegExpExecArray): Inline }[] = [
  { re: /`([^`]+)`/, make: (m) => ({ t: 'code', v: m[1] }) },
  {
    re: /\[([^\]]+)\]\((https?:\/\/[^\s)<>"']+)\)/,
    make: (m) => ({ t: 'link', href: m[2], c: parseInline(m[1]) }),
  },
  { re: /\*\*([^*]+)\*\*/, make: (m) => ({ t: 'strong', c: parseInline(m[1]) }) },
  { re: /__([^_]+)__/, make: (m) => ({ t: 'strong', c: parseInline(m[1]) }) },
  { re: /\*([^*\s][^*]*)\*/, make: (m) => ({ t: 'em', c: parseInline(m[1]) }) },
  { re: /(?<![\w])_([^_\s][^_]*)_(?![\w])/, make: (m) => ({ t: 'em', c: parseInline(m[1]) }) },
];

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let rest = s;
  while (rest) {
    let best: { m: RegExpExecArray; rule: (typeof INLINE_RULES)[number] } | null = null;
    for (const rule of INLINE_RULES) {
      const m = rule.re.exec(rest);
      if (m && (!best || m.index < best.m.index)) best = { m, rule };
    }
    if (!best) {
      out.push({ t: 'text', v: rest });
      break;
    }
    if (best.m.index > 0) out.push({ t: 'text', v: rest.slice(0, best.m.index) });
    out.push(best.rule.make(best.m));
    rest = rest.slice(best.m.index + best.m[0].length);
  }
  return out;
}

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; items: Inline[][] } | null = null;
  let code: string[] | null = null;
  const flushPara = () => {
    if (para.length) out.push({ t: 'p', c: parseInline(para.join(' ')) });
    para = [];
  };
  const closeList = () => {
    if (list) out.push(list);
    list = null;
  };
  for (const line of lines) {
    if (code) {
      if (/^```/.test(line)) {
        out.push({ t: 'pre', v: code.join('\n') });
        code = null;
      } else code.push(line);
      continue;
    }
    if (/^```/.test(line)) {
      flushPara();
      closeList();
      code = [];
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flushPara();
      closeList();
      out.push({ t: 'h', level: h[1].length, c: parseInline(h[2]) });
      continue;
    }
    const ul = /^\s*[-*+]\s+(.*)$/.exec(line);
    const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (ul || ol) {
      flushPara();
      const kind = ul ? 'ul' : 'ol';
      if (!list || list.t !== kind) {
        closeList();
        list = { t: kind, items: [] };
      }
      list.items.push(parseInline((ul ?? ol)![1]));
      continue;
    }
    if (line.trim() === '') {
      flushPara();
      closeList();
      continue;
    }
    closeList();
    para.push(line.trim());
  }
  if (code) out.push({ t: 'pre', v: code.join('\n') });
  flushPara();
  closeList();
  return out;
}
