import { describe, expect, it } from 'vitest';
import { filterMetrics, joinMetadata, type MetricInfo } from './metrics_explorer';

const all: MetricInfo[] = joinMetadata(
  ['go_goroutines', 'node_cpu_seconds_total', 'node_load1', 'process_cpu_seconds_total', 'up'],
  {
    node_cpu_seconds_total: [{ type: 'counter', help: 'Seconds the CPUs spent in each mode.' }],
    node_load1: [{ type: 'gauge', help: '1m load average.' }],
    process_cpu_seconds_total: [{ type: 'counter', help: 'Total user and system CPU time spent in seconds.' }],
  },
);

describe('metrics explorer', () => {
  it('joins names with their metadata, leaving unknown ones blank', () => {
    expect(all[1]).toEqual({ name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode.' });
    expect(all[4]).toEqual({ name: 'up', type: '', help: '' });
  });
  it('shows everything for an empty search, up to the limit', () => {
    expect(filterMetrics(all, '  ').map((m) => m.name)).toHaveLength(5);
    expect(filterMetrics(all, '', 2).map((m) => m.name)).toEqual(['go_goroutines', 'node_cpu_seconds_total']);
  });
  it('needs every word, in the name or the help, case-insensitively', () => {
    expect(filterMetrics(all, 'CPU seconds').map((m) => m.name)).toEqual(['node_cpu_seconds_total', 'process_cpu_seconds_total']);
    expect(filterMetrics(all, 'load average').map((m) => m.name)).toEqual(['node_load1']);
    expect(filterMetrics(all, 'cpu nothing')).toEqual([]);
  });
  it('puts names starting with the first word first', () => {
    expect(filterMetrics(all, 'process cpu').map((m) => m.name)).toEqual(['process_cpu_seconds_total']);
    expect(filterMetrics(all, 'node').map((m) => m.name)).toEqual(['node_cpu_seconds_total', 'node_load1']);
    expect(filterMetrics(all, 'seconds').map((m) => m.name)).toEqual(['node_cpu_seconds_total', 'process_cpu_seconds_total']);
  });
});
