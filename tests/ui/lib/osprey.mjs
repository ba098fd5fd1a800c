// Runs the real osprey binary for the browser tests: its own temp dir (config, data, log),
// 127.0.0.1 and an ephemeral port read from its log (as src/testing/osprey_process.cc does),
// stopped by PID.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const LISTENING = /Listening on address.* address=127\.0\.0\.1:(\d+)/;

export class Osprey {
  // options: { binary, dir, configYaml, extraArgs = [], listen = '127.0.0.1:0', dataDir }
  static async start(options) {
    const o = new Osprey(options);
    await o.#spawn();
    return o;
  }

  constructor({ binary, dir, configYaml, extraArgs = [], listen = '127.0.0.1:0', dataDir }) {
    this.binary = binary;
    this.dir = dir;
    this.extraArgs = extraArgs;
    this.listen = listen;
    fs.mkdirSync(dir, { recursive: true });
    this.configPath = path.join(dir, 'osprey.yml');
    this.dataDir = dataDir ?? path.join(dir, 'data');
    this.logPath = path.join(dir, 'osprey.log');
    if (configYaml !== undefined) fs.writeFileSync(this.configPath, configYaml);
    this.child = null;
    this.port = 0;
    this.log = '';
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  writeConfig(yaml) {
    fs.writeFileSync(this.configPath, yaml);
  }

  async #spawn() {
    const args = [
      `--config.file=${this.configPath}`,
      `--web.listen-address=${this.listen}`,
      `--storage.tsdb.path=${this.dataDir}`,
      '--otlp.http-listen-address=',
      '--otlp.grpc-listen-address=',
      '--web.enable-lifecycle',
      ...this.extraArgs,
    ];
    this.log = '';
    const logFile = fs.openSync(this.logPath, 'a');
    const child = spawn(this.binary, args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.exited = exited;
    exited.then(() => fs.closeSync(logFile));
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`osprey did not start listening:\n${this.log}`)), 30000);
      child.stderr.on('data', (chunk) => {
        fs.writeSync(logFile, chunk);
        this.log += chunk.toString();
        const m = LISTENING.exec(this.log);
        if (m && !this.port) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${this.binary}: ${e.message}`));
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`osprey exited during start-up (status ${code}):\n${this.log}`));
      });
    });
    this.port = port;
    await this.waitFor(async () => (await fetch(`${this.baseUrl}/-/ready`)).status === 200, 30000, 'osprey ready');
  }

  // Graceful stop (SIGTERM), SIGKILL after `graceMs`.
  async stop(graceMs = 10000) {
    if (!this.running) return;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.lastPort = this.port;
    this.port = 0;
  }

  // Synchronous last resort (process exit handlers).
  killNow() {
    if (this.running) this.child.kill('SIGKILL');
  }

  // Starts again (stopping it first when running) on the same data dir and config;
  // `samePort` asks for the port it last listened on, so open pages reconnect.
  async restart({ samePort = false } = {}) {
    await this.stop();
    if (samePort && this.lastPort) this.listen = `127.0.0.1:${this.lastPort}`;
    this.port = 0;
    await this.#spawn();
  }

  async reload() {
    const r = await fetch(`${this.baseUrl}/-/reload`, { method: 'POST' });
    if (r.status !== 200) throw new Error(`reload failed (${r.status}): ${await r.text()}`);
  }

  // Calls an API path: the "data" of a success envelope, or the JSON body of an API without
  // envelopes (Alertmanager v2); throws on an error status or error envelope.
  async api(p, { method = 'GET', body, headers = {} } = {}) {
    const r = await fetch(`${this.baseUrl}${p}`, {
      method,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headers: { ...(body !== undefined && typeof body !== 'string' ? { 'Content-Type': 'application/json' } : {}), ...headers },
    });
    const text = await r.text();
    let j;
    try {
      j = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${p}: ${r.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (j && typeof j === 'object' && typeof j.status === 'string' && j.status !== 'success' && 'error' in j) {
      throw new Error(`${method} ${p}: ${r.status} ${j.errorType}: ${j.error}`);
    }
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status}: ${text.slice(0, 300)}`);
    // Prometheus-style envelopes give their data; other APIs (Alertmanager v2) their body.
    return j && typeof j === 'object' && j.status === 'success' && 'data' in j ? j.data : j;
  }

  async query(expr) {
    return this.api(`/api/v1/query?query=${encodeURIComponent(expr)}`);
  }

  // POST /api/v1/import/prometheus (exposition text, timestamps in ms).
  async importText(text) {
    const r = await fetch(`${this.baseUrl}/api/v1/import/prometheus`, { method: 'POST', body: text });
    if (r.status >= 300) throw new Error(`import failed (${r.status}): ${await r.text()}`);
  }

  // Polls `cond` every 200 ms until it is truthy; throws naming `what` after `limitMs`.
  async waitFor(cond, limitMs = 60000, what = 'condition') {
    const deadline = Date.now() + limitMs;
    let last;
    for (;;) {
      try {
        const v = await cond();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
