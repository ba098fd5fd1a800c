// The world the browser tests look at: an osprey config (self-scrape, host metrics every 5 s,
// an always-firing alert whose labels hold markup, a webhook receiver, incidents with one
// person and one policy), a webhook sink, and 24 h of data for 50 series.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

// The label value every page must show as text, never run.
export const XSS_LABEL = '<script>alert(1)</script>';
// Loaded by loadSeries(): `ui_fixture_series{series="00".."49"}`, one sample a minute for 24 h.
export const FIXTURE_METRIC = 'ui_fixture_series';
export const FIXTURE_SERIES = 50;

// A config with nothing that appends samples (no scrapes, no rules, no host metrics).
export const EMPTY_CONFIG = 'global: {scrape_interval: 5s}\nscrape_configs: []\nagent: {host: {enabled: false}}\n';

// A local HTTP server that records the bodies POSTed to it (the alert webhook).
export async function startWebhookSink() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        received.push(JSON.parse(body));
      } catch {
        received.push(body);
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function yamlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// osprey.yml for the fixture. `selfPort`: scrape osprey itself there (known only once it
// listens, so the runner rewrites the config and reloads). `incidents`: include the section.
export function configYaml({ dir, webhookUrl, selfPort = 0, incidents = true }) {
  const rules = path.join(dir, 'rules.yml');
  fs.writeFileSync(
    rules,
    `groups:
  - name: ui-fixture
    interval: 1s
    rules:
      - alert: UiFixtureAlwaysFiring
        expr: vector(1)
        labels:
          severity: critical
          service: web
          markup: ${yamlString(XSS_LABEL)}
        annotations:
          summary: ${yamlString('Always firing: <b>not bold</b> <img src=x onerror=alert(2)>')}
          description: Fires forever so the alert, silence and incident pages have something.
      - record: ui_fixture:sum
        expr: sum(${FIXTURE_METRIC})
`,
  );
  const lines = ['global:', '  scrape_interval: 5s', '  evaluation_interval: 1s'];
  if (selfPort) {
    lines.push('scrape_configs:', '  - job_name: osprey', '    static_configs:', `      - targets: ['127.0.0.1:${selfPort}']`);
  } else {
    lines.push('scrape_configs: []');
  }
  lines.push(
    'agent:',
    '  host:',
    '    enabled: true',
    '    interval: 5s',
    'rule_files:',
    `  - ${yamlString(rules)}`,
    'route:',
    '  receiver: ops',
    '  group_by: [alertname]',
    '  group_wait: 1s',
    '  group_interval: 5s',
    '  repeat_interval: 4h',
    'receivers:',
    '  - name: ops',
    '    webhook_configs:',
    `      - url: ${yamlString(webhookUrl)}`,
  );
  if (incidents) {
    lines.push(
      'incidents:',
      '  receivers: [ops]',
      '  default_policy: ops',
      '  people:',
      '    - name: alice',
      '      full_name: Alice Example',
      '  escalation_policies:',
      '    - name: ops',
      '      levels:',
      '        - targets: [{person: alice}]',
      '          escalate_after: 10m',
    );
  }
  return lines.join('\n') + '\n';
}

// 24 h of one-minute samples for FIXTURE_SERIES series ending now: smooth, distinct curves.
// Imported oldest first, one hour per request.
export async function loadSeries(osprey, { nowMs = Date.now(), hours = 24 } = {}) {
  const stepMs = 60_000;
  const end = Math.floor(nowMs / stepMs) * stepMs;
  const start = end - hours * 3600_000;
  let batch = [];
  let samples = 0;
  for (let t = start; t <= end; t += stepMs) {
    for (let s = 0; s < FIXTURE_SERIES; s++) {
      const phase = (t / 3600_000) * (1 + s / 25) + s;
      const v = 100 + s * 10 + 40 * Math.sin(phase) + 10 * Math.sin(phase * 7.3);
      batch.push(`${FIXTURE_METRIC}{series="${String(s).padStart(2, '0')}",group="g${s % 5}"} ${v.toFixed(3)} ${t}`);
      samples++;
    }
    if (batch.length >= 60 * FIXTURE_SERIES || t + stepMs > end) {
      await osprey.importText(`# TYPE ${FIXTURE_METRIC} gauge\n${batch.join('\n')}\n`);
      batch = [];
    }
  }
  return { samples, start, end };
}
