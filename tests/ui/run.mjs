#!/usr/bin/env node
// Browser end-to-end tests of Osprey's web UI (see tests/ui/README.md).
//
//   node tests/ui/run.mjs [--binary build/osprey] [--artifacts DIR] [filter...]
//
// Starts the real osprey (127.0.0.1, ephemeral port, temp data dir) with the fixture of
// lib/fixture.mjs and 24 h of data for 50 series, launches Debian's chromium headless through
// playwright-core (from ui/node_modules), and runs every exported async function of
// tests/ui/specs/*.spec.mjs as one scenario, in a fresh browser context each. A scenario fails
// when it throws or when the page logs a console error or throws (unless the scenario declared
// it expected). One screenshot per scenario goes to the artifacts dir ($OSPREY_TEST_ARTIFACTS,
// else <dir of the binary>/ui-artifacts). Prints one line per scenario; exit status 1 when any
// failed, 77 (CTest's skip) when chromium or playwright-core is missing and CI is not "true".
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { configYaml, EMPTY_CONFIG, loadSeries, startWebhookSink } from './lib/fixture.mjs';
import { Osprey } from './lib/osprey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const CHROMIUM = process.env.OSPREY_CHROMIUM || '/usr/bin/chromium';
const SCENARIO_TIMEOUT_MS = Number(process.env.OSPREY_UI_SCENARIO_TIMEOUT_MS || 120000);
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function parseArgs(argv) {
  const o = { binary: process.env.OSPREY_BINARY || path.join(repo, 'build', 'osprey'), artifacts: process.env.OSPREY_TEST_ARTIFACTS, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--binary') o.binary = argv[++i];
    else if (argv[i].startsWith('--binary=')) o.binary = argv[i].slice(9);
    else if (argv[i] === '--artifacts') o.artifacts = argv[++i];
    else if (argv[i].startsWith('--artifacts=')) o.artifacts = argv[i].slice(12);
    else o.filters.push(argv[i]);
  }
  o.binary = path.resolve(o.binary);
  o.artifacts = path.resolve(o.artifacts || path.join(path.dirname(o.binary), 'ui-artifacts'));
  return o;
}

// Missing tools: skip (77) on a developer machine, fail in CI.
function missing(what) {
  if (process.env.CI === 'true') {
    console.error(`ui_e2e: FAIL: ${what} (CI=true, so this is an error)`);
    process.exit(1);
  }
  console.log(`ui_e2e: SKIP: ${what}`);
  process.exit(77);
}

export function loadPlaywright() {
  const require = createRequire(path.join(repo, 'ui', 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    return null;
  }
}

// Launches chromium as a Playwright browser server (so its PID is known) and connects to it.
export async function launchBrowser(playwright) {
  const server = await playwright.chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const browser = await playwright.chromium.connect(server.wsEndpoint());
  return { server, browser, pid: server.process().pid };
}

async function loadScenarios(filters) {
  const dir = path.join(here, 'specs');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.spec.mjs')).sort();
  const out = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(dir, f)).href);
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== 'function') continue;
      const id = `${f.replace(/\.spec\.mjs$/, '')}/${name}`;
      if (filters.length && !filters.some((x) => id.includes(x))) continue;
      out.push({ id, fn });
    }
  }
  return out;
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

async function runScenario(s, env) {
  const { browser, osprey, artifacts, fixture } = env;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  const allowed = [];
  const allowedMatch = (text) => allowed.some((re) => re.test(text));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || allowedMatch(msg.text())) return;
    // "Failed to load resource" names no URL in its text: add the location's.
    const url = msg.location()?.url;
    // The browser's own favicon request, made whether or not the page links an icon.
    if (url && new URL(url).pathname === '/favicon.ico') return;
    problems.push(`console error: ${msg.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => {
    if (!allowedMatch(String(err))) problems.push(`page error: ${err.stack || err}`);
  });
  // A dialog means markup ran (alert(1) from a label): always a failure.
  page.on('dialog', async (d) => {
    problems.push(`dialog opened: ${d.type()} "${d.message()}" (unescaped markup ran?)`);
    await d.dismiss().catch(() => {});
  });
  const base = s.id.replace('/', '-');
  const shots = [];
  const ctx = {
    page,
    context,
    browser,
    osprey,
    fixture,
    baseUrl: osprey.baseUrl,
    artifacts,
    // Saves <artifacts>/<spec>-<scenario>-<name>.png.
    screenshot: async (name, options = {}) => {
      const file = path.join(artifacts, `${base}${name ? `-${name}` : ''}.png`);
      await page.screenshot({ path: file, fullPage: false, ...options });
      shots.push(file);
      return file;
    },
    // Console errors matching `re` are expected (e.g. failed fetches while the server is down).
    expectConsoleErrors: (re) => allowed.push(re),
  };
  const started = Date.now();
  let error = null;
  try {
    await withTimeout(s.fn(ctx), SCENARIO_TIMEOUT_MS, s.id);
  } catch (e) {
    error = e;
  }
  if (!shots.length || error) {
    try {
      await ctx.screenshot(error ? 'failure' : '');
    } catch {
      // page gone
    }
  }
  await context.close().catch(() => {});
  if (!error && problems.length) error = new Error(problems.join('\n'));
  return { id: s.id, error, ms: Date.now() - started, shots };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CHROMIUM)) missing(`${CHROMIUM} not found (apt-get install chromium, or make deps)`);
  const playwright = loadPlaywright();
  if (!playwright) missing('playwright-core is not installed in ui/node_modules (run `npm ci` in ui/)');
  if (!fs.existsSync(opts.binary)) {
    console.error(`ui_e2e: FAIL: ${opts.binary} not found (build it first, or pass --binary)`);
    process.exit(1);
  }
  fs.mkdirSync(opts.artifacts, { recursive: true });
  const scenarios = await loadScenarios(opts.filters);
  if (!scenarios.length) {
    console.error(`ui_e2e: FAIL: no scenario matches ${opts.filters.join(' ')}`);
    process.exit(1);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'osprey-ui-e2e-'));
  const started = [];
  let chromium = null;
  let webhook = null;
  // Whatever happens, nothing started here outlives the runner.
  const killAll = () => {
    for (const o of started) o.killNow();
    if (chromium?.pid) {
      try {
        process.kill(chromium.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  let failed = 0;
  let passed = 0;
  try {
    webhook = await startWebhookSink();
    const dir = path.join(tmp, 'main');
    fs.mkdirSync(dir);
    const incidents = process.env.OSPREY_UI_TEST_NO_INCIDENTS !== '1';
    // First with nothing that appends: the 24 h of history must reach an empty head (a
    // scrape's sample at "now" would make day-old samples out of bounds).
    const osprey = await Osprey.start({ binary: opts.binary, dir, configYaml: EMPTY_CONFIG });
    started.push(osprey);
    const loaded = await loadSeries(osprey);
    // Then the fixture; the self-scrape needs the port, known only now.
    osprey.writeConfig(configYaml({ dir, webhookUrl: webhook.url, selfPort: osprey.port, incidents }));
    await osprey.reload();
    console.log(`ui_e2e: osprey ${osprey.baseUrl} (pid ${osprey.pid}), ${loaded.samples} samples loaded; artifacts in ${opts.artifacts}`);

    chromium = await launchBrowser(playwright);
    const fixture = {
      webhook,
      tmp,
      binary: opts.binary,
      loaded,
      // Starts another osprey (own dir and data) for scenarios that stop or break it; the
      // runner stops it at the end if the scenario did not.
      startOsprey: async (name, configText) => {
        const d = path.join(tmp, name);
        fs.mkdirSync(d, { recursive: true });
        const o = await Osprey.start({ binary: opts.binary, dir: d, configYaml: configText ?? configYaml({ dir: d, webhookUrl: webhook.url, incidents }) });
        started.push(o);
        return o;
      },
    };
    for (const s of scenarios) {
      const r = await runScenario(s, { browser: chromium.browser, osprey, artifacts: opts.artifacts, fixture });
      if (r.error) {
        failed++;
        console.log(`FAIL ${r.id} (${(r.ms / 1000).toFixed(1)}s)`);
        console.log(String(r.error.stack || r.error).replace(/^/gm, '    '));
      } else {
        passed++;
        console.log(`PASS ${r.id} (${(r.ms / 1000).toFixed(1)}s)`);
      }
      if (!osprey.running) {
        console.log(`FAIL the main osprey exited during ${r.id}; log:\n${osprey.log.slice(-4000)}`);
        failed++;
        break;
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL setup: ${e.stack || e}`);
  } finally {
    if (chromium) {
      await chromium.browser.close().catch(() => {});
      await chromium.server.close().catch(() => {});
    }
    for (const o of started) await o.stop().catch(() => o.killNow());
    if (webhook) await webhook.close();
    if (!failed) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`ui_e2e: osprey logs kept in ${tmp}`);
  }
  console.log(`ui_e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
