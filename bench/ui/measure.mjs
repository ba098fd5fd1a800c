#!/usr/bin/env node
// Measures the web UI (numbers to report, not assertions):
//   - bundle sizes of ui-dist, raw and gzip (level 9), in total and for the first load
//     (index.html and the files it references);
//   - the first load of "/" with a cold cache (fresh browser context each run): Navigation
//     Timing's domContentLoaded and load, and the time until the first chart canvas of the
//     host overview dashboard is in the page and painted (next animation frame);
//   - Explore rendering a 50-series, 24 h graph: from the end of the query_range response
//     (Resource Timing) until the chart's canvas is painted; covers JSON parsing, the data
//     transform and uPlot's draw.
//
//   node bench/ui/measure.mjs [--binary build/osprey] [--dist build/ui-dist] [--runs 7]
//
// Uses the browser tests' fixture (tests/ui/lib): the real osprey on 127.0.0.1, 24 h of
// data for 50 series, Debian's chromium through playwright-core from ui/node_modules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { configYaml, EMPTY_CONFIG, FIXTURE_METRIC, loadSeries, startWebhookSink } from '../../tests/ui/lib/fixture.mjs';
import { Osprey } from '../../tests/ui/lib/osprey.mjs';
import { launchBrowser, loadPlaywright } from '../../tests/ui/run.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function args() {
  const a = process.argv.slice(2);
  const get = (name, dflt) => {
    const i = a.indexOf(`--${name}`);
    return i >= 0 ? a[i + 1] : dflt;
  };
  const binary = path.resolve(get('binary', path.join(repo, 'build', 'osprey')));
  return { binary, dist: path.resolve(get('dist', path.join(path.dirname(binary), 'ui-dist'))), runs: Number(get('runs', 7)) };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

function bundleSizes(dist) {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const data = fs.readFileSync(p);
        files.push({ rel: path.relative(dist, p), raw: data.length, gz: zlib.gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(dist);
  const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const initialNames = new Set(['index.html', ...[...index.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1])]);
  const sum = (fs_, k) => fs_.reduce((s, f) => s + f[k], 0);
  const initial = files.filter((f) => initialNames.has(f.rel));
  return { files, total: { raw: sum(files, 'raw'), gz: sum(files, 'gz') }, initial: { raw: sum(initial, 'raw'), gz: sum(initial, 'gz'), count: initial.length } };
}

// Records when the first <canvas> enters the page, and the frame after it.
const CANVAS_PROBE = () => {
  window.__firstCanvas = null;
  new MutationObserver((_, mo) => {
    if (window.__firstCanvas === null && document.querySelector('canvas')) {
      const added = performance.now();
      requestAnimationFrame(() => {
        window.__firstCanvas = { added, painted: performance.now() };
      });
      mo.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

async function coldLoad(browser, baseUrl) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(CANVAS_PROBE);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__firstCanvas !== null, null, { timeout: 60000 });
  const r = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, chart: window.__firstCanvas.painted, transferred: performance.getEntriesByType('resource').reduce((s, e) => s + e.transferSize, nav.transferSize) };
  });
  await context.close();
  return r;
}

async function exploreRender(browser, baseUrl, expr) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(CANVAS_PROBE);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/explore?expr=${encodeURIComponent(expr)}&range=24h`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__firstCanvas !== null, null, { timeout: 60000 });
  const r = await page.evaluate(() => {
    const q = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/query_range')).pop();
    return { responseEnd: q ? q.responseEnd : NaN, painted: window.__firstCanvas.painted, bytes: q ? q.encodedBodySize : 0, decoded: q ? q.decodedBodySize : 0 };
  });
  await context.close();
  return { render: r.painted - r.responseEnd, bytes: r.bytes, decoded: r.decoded };
}

async function main() {
  const o = args();
  const sizes = bundleSizes(o.dist);
  console.log(`bundle (${o.dist}): ${sizes.files.length} files, ${kb(sizes.total.raw)} raw, ${kb(sizes.total.gz)} gzip`);
  console.log(`first load (index.html + ${sizes.initial.count - 1} referenced files): ${kb(sizes.initial.raw)} raw, ${kb(sizes.initial.gz)} gzip`);
  for (const f of sizes.files.sort((a, b) => b.raw - a.raw).slice(0, 6)) console.log(`  ${f.rel}: ${kb(f.raw)} raw, ${kb(f.gz)} gzip`);

  const playwright = loadPlaywright();
  if (!playwright) throw new Error('playwright-core is missing from ui/node_modules (npm ci in ui/)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'osprey-ui-bench-'));
  const webhook = await startWebhookSink();
  // History first, into an empty head (see tests/ui/run.mjs), then the fixture.
  const osprey = await Osprey.start({ binary: o.binary, dir: tmp, configYaml: EMPTY_CONFIG });
  let chromium;
  try {
    await loadSeries(osprey);
    osprey.writeConfig(configYaml({ dir: tmp, webhookUrl: webhook.url, selfPort: osprey.port, incidents: false }));
    await osprey.reload();
    // Host metrics need two scrapes before rates have points.
    await osprey.waitFor(async () => (await osprey.query('count(node_cpu_seconds_total)')).result.length > 0, 60000, 'host metrics');
    chromium = await launchBrowser(playwright);
    const loads = [];
    for (let i = 0; i < o.runs; i++) loads.push(await coldLoad(chromium.browser, osprey.baseUrl));
    console.log(`cold first load of / (median of ${o.runs}): domContentLoaded ${ms(median(loads.map((x) => x.dcl)))}, load ${ms(median(loads.map((x) => x.load)))}, first chart painted ${ms(median(loads.map((x) => x.chart)))}, ${kb(median(loads.map((x) => x.transferred)))} transferred`);
    const renders = [];
    let last;
    for (let i = 0; i < o.runs; i++) {
      last = await exploreRender(chromium.browser, osprey.baseUrl, FIXTURE_METRIC);
      renders.push(last.render);
    }
    console.log(`explore, ${FIXTURE_METRIC} (50 series, 24 h, auto step; response ${kb(last.decoded)}, ${kb(last.bytes)} on the wire): render after response ${ms(median(renders))} median, ${ms(Math.max(...renders))} max of ${o.runs}`);
  } finally {
    if (chromium) {
      await chromium.browser.close().catch(() => {});
      await chromium.server.close().catch(() => {});
    }
    await osprey.stop();
    await webhook.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
