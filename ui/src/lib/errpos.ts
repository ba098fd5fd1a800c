// Finds the "line:col" position in a PromQL error message
// ("1:14: parse error: unexpected ..." or "parse error at char 14: ...")
// and converts it to an offset into the query text.

export interface ErrorPosition {
  line: number; // 1-based
  col: number; // 1-based
}

export function extractErrorPosition(message: string): ErrorPosition | null {
  const m = /(?:^|[\s(])(\d+):(\d+)(?:\.\.\d+)?:\s/.exec(message) ?? /^(\d+):(\d+):/.exec(message);
  if (m) {
    const line = parseInt(m[1], 10);
    const col = parseInt(m[2], 10);
    if (line >= 1 && col >= 1) return { line, col };
  }
  const c = /at char (\d+)/.exec(message);
  if (c) return { line: 1, col: parseInt(c[1], 10) };
  return null;
}

// Offset (0-based) of a position in `text`, clamped to the text's length.
// Prometheus counts columns in bytes; for ASCII queries that equals characters.
export function positionToOffset(text: string, pos: ErrorPosition): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < pos.line - 1 && i < lines.length; i++) off += lines[i].length + 1;
  const lineText = lines[Math.min(pos.line, lines.length) - 1] ?? '';
  off += Math.min(pos.col - 1, lineText.length);
  return Math.min(off, text.length);
}
