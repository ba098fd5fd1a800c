// Query history: the last 50 distinct expressions, newest first, kept in
// localStorage.
export const historyKey = 'osprey.explore.history';
export const historyMax = 50;

export function addToHistory(list: string[], expr: string, max = historyMax): string[] {
  const e = expr.trim();
  if (!e) return list;
  return [e, ...list.filter((x) => x !== e)].slice(0, max);
}

export function loadHistory(storage: Storage | undefined = globalThis.localStorage): string[] {
  try {
    const raw = storage?.getItem(historyKey);
    if (!raw) return [];
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v)) return [];
    return v.filter((x): x is string => typeof x === 'string').slice(0, historyMax);
  } catch {
    return [];
  }
}

export function saveHistory(list: string[], storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(historyKey, JSON.stringify(list.slice(0, historyMax)));
  } catch {
    // storage full or disabled: history is a convenience
  }
}
