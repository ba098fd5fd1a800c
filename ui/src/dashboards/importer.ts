// Import: decides whether pasted JSON is a Grafana or an Osprey dashboard and converts it.
import { importGrafana } from './grafana';
import { validateDashboard, type Dashboard, type ValidationError } from './model';

export interface ParsedImport {
  dashboard?: Dashboard;
  errors: ValidationError[];
  warnings: string[];
  source: 'grafana' | 'osprey' | 'unknown';
}

export function looksLikeGrafana(o: Record<string, unknown>): boolean {
  if ('schemaVersion' in o || 'templating' in o || '__inputs' in o || '__requires' in o) return true;
  if (typeof o.dashboard === 'object' && o.dashboard !== null && !('panels' in o)) return true;
  const panels = Array.isArray(o.panels) ? o.panels : [];
  return panels.some((p) => typeof p === 'object' && p !== null && ('fieldConfig' in p || 'datasource' in p) && !('variables' in o));
}

export function parseImport(text: string): ParsedImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [{ path: '(json)', message: `not valid JSON: ${(e as Error).message}` }], warnings: [], source: 'unknown' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { errors: [{ path: '(root)', message: 'must be a JSON object' }], warnings: [], source: 'unknown' };
  }
  if (looksLikeGrafana(json as Record<string, unknown>)) {
    const r = importGrafana(json);
    return { ...r, source: 'grafana' };
  }
  const r = validateDashboard(json);
  return { dashboard: r.dashboard, errors: r.errors, warnings: [], source: 'osprey' };
}
