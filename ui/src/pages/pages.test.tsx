import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { Labels } from '../components/common';
import { joinAlerts, labelsKey } from './alerts';
import { formatAvailability } from './uptime';
import type { AmAlert } from '../lib/types';

function amAlert(labels: Record<string, string>, silencedBy: string[] = []): AmAlert {
  return {
    labels,
    annotations: {},
    startsAt: '2026-11-22T01:00:00.000Z',
    endsAt: '2026-11-22T02:00:00.000Z',
    fingerprint: 'f'.repeat(16),
    status: { state: silencedBy.length ? 'suppressed' : 'active', silencedBy, inhibitedBy: [] },
  };
}

describe('joinAlerts', () => {
  it('joins rule alerts with Alertmanager state by label set', () => {
    const rows = joinAlerts(
      [
        { labels: { alertname: 'B', x: '1' }, annotations: {}, state: 'pending' },
        { labels: { x: '1', alertname: 'A' }, annotations: {}, state: 'firing' },
        { labels: { alertname: 'C' }, annotations: {}, state: 'inactive' },
      ],
      [amAlert({ alertname: 'A', x: '1' }, ['s1']), amAlert({ alertname: 'Pushed' })],
    );
    expect(rows.map((r) => r.labels.alertname)).toEqual(['A', 'Pushed', 'B']);
    expect(rows[0].am?.status.silencedBy).toEqual(['s1']);
    expect(rows[2].am).toBeUndefined();
  });
  it('keys label sets independently of order', () => {
    expect(labelsKey({ a: '1', b: '2' })).toBe(labelsKey({ b: '2', a: '1' }));
  });
});

describe('rendering', () => {
  it('shows markup in labels as text', () => {
    const el = document.createElement('div');
    render(<Labels labels={{ note: '<script>alert(1)</script>', __name__: 'up' }} />, el);
    expect(el.querySelector('script')).toBeNull();
    expect(el.textContent).toContain('note="<script>alert(1)</script>"');
    expect(el.querySelector('.label')?.textContent).toBe('__name__="up"');
  });
  it('formats availability fractions as percentages', () => {
    expect(formatAvailability(1)).toBe('100%');
    expect(formatAvailability(0.99912)).toBe('99.91%');
    expect(formatAvailability(null)).toBe('—');
  });
});
