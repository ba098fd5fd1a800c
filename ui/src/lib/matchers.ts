// Alertmanager silence matchers: built from an alert's labels, shown and
// edited as text (`name="value"`, with quotes and backslashes escaped).

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean; // Alertmanager API v2: false for != and !~
}

export function opOf(m: Matcher): MatchOp {
  if (m.isRegex) return m.isEqual ? '=~' : '!~';
  return m.isEqual ? '=' : '!=';
}

export function withOp(m: Matcher, op: MatchOp): Matcher {
  return { ...m, isRegex: op === '=~' || op === '!~', isEqual: op === '=' || op === '=~' };
}

// Equality matchers for every label, sorted by name with alertname first.
export function matchersFromLabels(labels: Record<string, string>): Matcher[] {
  const names = Object.keys(labels).sort((a, b) => {
    if (a === 'alertname') return -1;
    if (b === 'alertname') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return names.map((name) => ({ name, value: labels[name], isRegex: false, isEqual: true }));
}

export function quoteValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

// `name="value"` as amtool and the Alertmanager UI print it.
export function formatMatcher(m: Matcher): string {
  return `${m.name}${opOf(m)}${quoteValue(m.value)}`;
}

export function formatMatchers(ms: Matcher[]): string {
  return `{${ms.map(formatMatcher).join(', ')}}`;
}

// Parses one `name<op>"value"` (value may also be unquoted). Throws an Error
// naming the problem and the position.
export function parseMatcher(s: string): Matcher {
  const t = s.trim();
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/s.exec(t);
  if (!m) throw new Error(`matcher "${t}": expected name followed by =, !=, =~ or !~`);
  let raw = m[3].trim();
  let value = raw;
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) throw new Error(`matcher "${t}": unterminated quoted value`);
    raw = raw.slice(1, -1);
    value = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === '\\' && i + 1 < raw.length) {
        const n = raw[++i];
        value += n === 'n' ? '\n' : n;
      } else if (c === '"') {
        throw new Error(`matcher "${t}": unescaped quote at column ${i + 2} of the value`);
      } else {
        value += c;
      }
    }
  }
  const op = m[2] as MatchOp;
  return withOp({ name: m[1], value, isRegex: false, isEqual: true }, op);
}

// Whether an alert's labels satisfy all matchers (for previewing a silence).
export function matchesLabels(ms: Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => {
    const v = labels[m.name] ?? '';
    let ok: boolean;
    if (m.isRegex) {
      try {
        ok = new RegExp(`^(?:${m.value})$`).test(v);
      } catch {
        return false;
      }
    } else {
      ok = v === m.value;
    }
    return m.isEqual ? ok : !ok;
  });
}
