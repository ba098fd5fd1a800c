// Dashboards: build and save one through the editor and see it after a reload; import Grafana's
// "Node Exporter Full" and see its panels on Osprey's host metrics; a malformed import names
// the bad field and creates nothing; the built-in host overview shows data; a title holding
// markup shows as text; a 50-series, 24-hour chart renders (its render time is printed); a
// variable made with the variables form and a dragged and resized panel survive save and reload.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE_FULL =
  process.env.OSPREY_NODE_FULL_JSON || path.resolve(here, '..', '..', '..', '..', 'shared', 'dashboards', 'node-exporter-full.json');
const XSS = '<script>alert(1)</script>';

async function dashboards(osprey) {
  return osprey.api('/api/v1/dashboards');
}

async function deleteByTitle(osprey, prefix) {
  for (const d of await dashboards(osprey)) {
    if (d.title.startsWith(prefix) && !d.provisioned) await osprey.api(`/api/v1/dashboards/${d.uid}`, { method: 'DELETE' });
  }
}

function panel(page, title) {
  return page.locator('.dash-panel').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

export async function buildSaveAndReload({ page, baseUrl, osprey, screenshot }) {
  const title = `UI e2e dashboard ${Date.now()}`;
  await page.goto(`${baseUrl}/dashboards`);
  await page.getByRole('button', { name: 'New dashboard' }).click();
  await page.waitForURL(/\/dashboards\/new$/);
  await page.getByRole('button', { name: 'Add panel' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit panel' });
  await dialog.getByLabel('Title').fill('Fixture group g1');
  await dialog.getByLabel('Query 1').fill('ui_fixture_series{group="g1"}');
  await dialog.getByLabel('Legend 1').fill('series {{series}}');
  await dialog.getByLabel('Width (1-24)').fill('24');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Add panel' }).click();
  await dialog.getByLabel('Title').fill('Fixture count');
  await dialog.getByLabel('Type').selectOption('stat');
  await dialog.getByLabel('Query 1').fill('count(ui_fixture_series)');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Dashboard settings' });
  await settings.getByLabel('Title').fill(title);
  await settings.getByLabel('Tags (comma separated)').fill('e2e');
  await settings.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/\/dashboards\/[a-z0-9]{12}$/);
  const uid = page.url().split('/').pop();
  const stored = await osprey.api(`/api/v1/dashboards/${uid}`);
  if (stored.title !== title || stored.dashboard.panels.length !== 2) {
    throw new Error(`stored dashboard is ${JSON.stringify(stored).slice(0, 300)}`);
  }

  await page.reload();
  await page.getByRole('heading', { name: title }).waitFor();
  await panel(page, 'Fixture group g1').locator('canvas').first().waitFor({ state: 'visible' });
  await panel(page, 'Fixture group g1').locator('.osp-chart-legend-row').nth(9).waitFor();
  await panel(page, 'Fixture count').getByText('50', { exact: true }).waitFor();
  await screenshot('saved-and-reloaded');

  // Isolate one series from the legend, then restore.
  const rows = panel(page, 'Fixture group g1').locator('.osp-chart-legend-row');
  await rows.first().click();
  if ((await panel(page, 'Fixture group g1').locator('.osp-chart-legend-row.is-hidden').count()) !== 9) {
    throw new Error('clicking a legend row did not isolate its series');
  }
  await rows.first().click();
  await panel(page, 'Fixture group g1').locator('.osp-chart-legend-row.is-hidden').first().waitFor({ state: 'detached' });

  // Save as, then delete both through the UI.
  await page.getByRole('button', { name: 'Save as' }).click();
  await page.getByRole('dialog', { name: 'Save as' }).getByRole('button', { name: 'Save copy' }).click();
  await page.getByRole('heading', { name: `${title} (copy)` }).waitFor();
  for (const t of [`${title} (copy)`, title]) {
    if (!(await page.getByRole('heading', { name: t }).count())) {
      await page.goto(`${baseUrl}/dashboards`);
      await page.getByRole('link', { name: t, exact: true }).click();
      await page.getByRole('heading', { name: t }).waitFor();
    }
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete dashboard' }).getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/dashboards$/);
  }
  const left = (await dashboards(osprey)).filter((d) => d.title.startsWith(title));
  if (left.length) throw new Error(`dashboards left after delete: ${left.map((d) => d.title)}`);
}

export async function importNodeExporterFull({ page, baseUrl, osprey, screenshot }) {
  if (!fs.existsSync(NODE_FULL)) {
    if (process.env.CI === 'true') throw new Error(`${NODE_FULL} not found (CI has ../shared)`);
    console.log(`    (skipped: ${NODE_FULL} not found; set OSPREY_NODE_FULL_JSON)`);
    return;
  }
  const before = (await dashboards(osprey)).length;
  await page.goto(`${baseUrl}/dashboards`);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Dashboard JSON file').setInputFiles(NODE_FULL);
  await page.waitForFunction(() => document.querySelector('textarea[aria-label="Dashboard JSON"]').value.length > 1000);
  await page.getByRole('button', { name: 'Import', exact: true }).last().click();
  await page.waitForURL(/\/dashboards\/(?!new)[^/?]+$/);
  try {
    await page.getByRole('heading', { name: 'Node Exporter Full' }).waitFor();
    // The variables resolve from Osprey's host metrics (node_uname_info, job "node").
    await page.getByLabel('Job').locator('option', { hasText: 'node' }).waitFor({ state: 'attached' });
    // The expanded "Quick CPU / Mem / Disk" row: gauges and stats with values.
    await page.locator('.dash-gauge svg').first().waitFor();
    await page.locator('.dash-panel canvas').first().waitFor({ state: 'visible' });
    const gaugeValues = await page.locator('.dash-gauge-text').allTextContents();
    if (!gaugeValues.some((v) => /\d/.test(v))) throw new Error(`no gauge shows a number: ${gaugeValues}`);
    await screenshot('imported');
    // Expand a collapsed row: its panels render.
    const toggle = page.getByRole('button', { name: /CPU \/ Memory \/ Net \/ Disk/ });
    await toggle.click();
    await page.waitForFunction(() => document.querySelectorAll('.dash-panel canvas').length >= 6);
    await screenshot('row-expanded');
  } finally {
    const added = (await dashboards(osprey)).filter((d) => d.title === 'Node Exporter Full');
    for (const d of added) await osprey.api(`/api/v1/dashboards/${d.uid}`, { method: 'DELETE' });
  }
  if ((await dashboards(osprey)).length !== before) throw new Error('dashboard count changed');
}

export async function malformedImportNamesTheField({ page, baseUrl, osprey, screenshot }) {
  const before = await dashboards(osprey);
  const bad = {
    title: 'Broken import',
    schemaVersion: 39,
    panels: [
      { id: 1, type: 'timeseries', title: 'ok', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ expr: 'up' }] },
      { id: 2, type: 'stat', title: 'bad', gridPos: { x: 12, y: 0, w: 'six', h: 8 }, targets: [{ expr: 'up' }] },
    ],
  };
  await page.goto(`${baseUrl}/dashboards`);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Dashboard JSON', { exact: true }).fill(JSON.stringify(bad));
  await page.getByRole('button', { name: 'Import', exact: true }).last().click();
  await page.getByRole('alert').filter({ hasText: 'panels[1].gridPos.w: must be a number' }).waitFor();
  await page.getByLabel('Dashboard JSON', { exact: true }).fill('{"title": "x", "panels": [');
  await page.getByRole('button', { name: 'Import', exact: true }).last().click();
  await page.getByRole('alert').filter({ hasText: 'not valid JSON' }).waitFor();
  await screenshot('error');
  const after = await dashboards(osprey);
  if (after.length !== before.length) throw new Error(`a malformed import created a dashboard: ${after.map((d) => d.title)}`);
}

export async function hostOverviewShowsData({ page, baseUrl, screenshot }) {
  await page.goto(`${baseUrl}/dashboards/host-overview`);
  await page.getByRole('heading', { name: 'Host overview' }).waitFor();
  await page.getByText('provisioned', { exact: true }).first().waitFor();
  await panel(page, 'CPU cores').locator('.dash-stat-value').filter({ hasText: /^\d+$/ }).waitFor({ timeout: 60000 });
  await panel(page, 'Memory').locator('canvas').first().waitFor({ state: 'visible' });
  await panel(page, 'Filesystems').locator('tbody tr').first().waitFor();
  await panel(page, 'Disk space used per filesystem').locator('.dash-bar').first().waitFor();
  const errors = await page.locator('.dash-panel-error').allTextContents();
  if (errors.length) throw new Error(`panels show errors: ${errors.join(' | ')}`);
  // Provisioned: read-only, with "Save a copy" instead of Edit/Delete.
  if (await page.getByRole('button', { name: 'Edit', exact: true }).count()) throw new Error('provisioned dashboard is editable');
  await page.getByRole('button', { name: 'Save a copy' }).waitFor();
  // The time range goes into the URL.
  await page.getByLabel('Quick range').selectOption('now-15m');
  await page.waitForURL(/from=now-15m/);
  await screenshot('host-overview');
}

export async function markupInTitleIsText({ page, baseUrl, osprey, screenshot }) {
  const title = `${XSS} markup title`;
  const { uid } = await osprey.api('/api/v1/dashboards', {
    method: 'POST',
    body: {
      dashboard: {
        title,
        tags: [XSS],
        panels: [
          { id: 1, type: 'text', title: XSS, gridPos: { x: 0, y: 0, w: 12, h: 4 }, options: { content: `# ${XSS}\n<img src=x onerror=alert(2)>` } },
        ],
      },
    },
  });
  try {
    await page.goto(`${baseUrl}/dashboards/${uid}`);
    await page.getByRole('heading', { name: title }).waitFor();
    const h1 = await page.locator('h1.dash-title').textContent();
    if (h1 !== title) throw new Error(`title shown as ${JSON.stringify(h1)}`);
    await page.locator('.dash-text h2').filter({ hasText: XSS }).waitFor();
    if (await page.locator('.dash-text img, .dash-text script').count()) throw new Error('markup from the text panel became elements');
    await page.goto(`${baseUrl}/dashboards`);
    await page.getByRole('link', { name: title }).waitFor();
    await screenshot('escaped');
  } finally {
    await osprey.api(`/api/v1/dashboards/${uid}`, { method: 'DELETE' });
  }
}

export async function chart50SeriesOver24h({ page, baseUrl, osprey, fixture, screenshot }) {
  await deleteByTitle(osprey, 'UI e2e 50 series');
  const { uid } = await osprey.api('/api/v1/dashboards', {
    method: 'POST',
    body: {
      dashboard: {
        title: 'UI e2e 50 series',
        // One point per minute over 24 h: 1441 points per series.
        panels: [
          {
            id: 1,
            type: 'timeseries',
            title: '50 series',
            gridPos: { x: 0, y: 0, w: 24, h: 14 },
            options: { maxDataPoints: 1440 },
            targets: [{ expr: 'ui_fixture_series', legendFormat: '{{series}}' }],
          },
        ],
      },
    },
  });
  try {
    const { start, end } = fixture.loaded;
    await page.goto(`${baseUrl}/dashboards/${uid}?from=${start}&to=${end}`);
    await page.locator('.osp-chart-legend-row').nth(49).waitFor({ timeout: 60000 });
    const measures = await page.evaluate(() =>
      performance.getEntriesByName('osp-chart-render').map((e) => ({ ms: e.duration, ...(e.detail || {}) })),
    );
    const big = measures.filter((m) => m.series === 50);
    if (!big.length) throw new Error(`no render measure for the 50-series chart: ${JSON.stringify(measures)}`);
    // Reported, not asserted: wall-clock times depend on the machine.
    for (const m of big) console.log(`    chart render: ${m.series} series x ${m.points} points in ${m.ms.toFixed(1)} ms`);
    // Drag to zoom: the URL gets the selected absolute range.
    const plot = page.locator('.u-over').first();
    const box = await plot.boundingBox();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL((u) => {
      const q = new URL(u).searchParams;
      return Number(q.get('from')) > start && Number(q.get('to')) < end;
    });
    await screenshot('zoomed');
  } finally {
    await osprey.api(`/api/v1/dashboards/${uid}`, { method: 'DELETE' });
  }
}

export async function panelErrorInPlaceAndSaveConflict({ page, baseUrl, osprey, screenshot, expectConsoleErrors }) {
  // The browser logs the 400 answer to the bad query and the 409 answer to the stale save.
  expectConsoleErrors(/status of (400|409)/);
  const dashboard = {
    title: 'UI e2e conflict',
    panels: [
      { id: 1, type: 'timeseries', title: 'Broken query', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ expr: 'sum(ui_fixture_series' }] },
      { id: 2, type: 'stat', title: 'Fine query', gridPos: { x: 12, y: 0, w: 12, h: 8 }, targets: [{ expr: 'count(ui_fixture_series)' }] },
    ],
  };
  const { uid } = await osprey.api('/api/v1/dashboards', { method: 'POST', body: { dashboard } });
  try {
    await page.goto(`${baseUrl}/dashboards/${uid}`);
    // The server's message, in the failing panel only.
    await panel(page, 'Broken query').locator('.dash-panel-error').filter({ hasText: 'parse error' }).waitFor();
    await panel(page, 'Fine query').getByText('50', { exact: true }).waitFor();
    if ((await page.locator('.dash-panel-error').count()) !== 1) throw new Error('the error is not confined to its panel');

    // Someone else saves meanwhile; saving the stale copy says so and keeps the edits.
    const cur = await osprey.api(`/api/v1/dashboards/${uid}`);
    await osprey.api(`/api/v1/dashboards/${uid}`, {
      method: 'PUT',
      body: { dashboard: { ...cur.dashboard, title: 'UI e2e conflict (theirs)' }, version: cur.version },
    });
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('button', { name: 'Edit panel Fine query' }).click();
    await page.getByRole('dialog', { name: 'Edit panel' }).getByLabel('Title').fill('Fine query, mine');
    await page.getByRole('dialog', { name: 'Edit panel' }).getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else saved this dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Fine query, mine' }).waitFor();
    await screenshot('conflict');
    const after = await osprey.api(`/api/v1/dashboards/${uid}`);
    if (after.title !== 'UI e2e conflict (theirs)') throw new Error(`the stale save overwrote: ${after.title}`);
  } finally {
    await osprey.api(`/api/v1/dashboards/${uid}`, { method: 'DELETE' });
  }
}

// Issue #9: a label_values variable made through the form (not JSON), its values in the bar and
// in a panel query; a panel dragged by its header and another resized from its corner; all of
// it saved and found again after a reload.
export async function variablesFormAndDragLayout({ page, baseUrl, osprey, screenshot }) {
  await deleteByTitle(osprey, 'UI e2e variables and layout');
  const { uid } = await osprey.api('/api/v1/dashboards', {
    method: 'POST',
    body: {
      dashboard: {
        title: 'UI e2e variables and layout',
        panels: [
          { id: 1, type: 'stat', title: 'Series in group', gridPos: { x: 0, y: 0, w: 12, h: 6 }, targets: [{ expr: 'count(ui_fixture_series)' }] },
          { id: 2, type: 'stat', title: 'All series', gridPos: { x: 12, y: 0, w: 12, h: 6 }, targets: [{ expr: 'count(ui_fixture_series)' }] },
        ],
      },
    },
  });
  try {
    await page.goto(`${baseUrl}/dashboards/${uid}`);
    await page.getByRole('heading', { name: 'UI e2e variables and layout' }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();

    // The variable, through the form; a bad name is marked next to the field and blocks Apply.
    await page.getByRole('button', { name: 'Variables', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Dashboard settings' });
    await settings.getByRole('tab', { name: /^Variables/ }).and(page.locator('[aria-selected="true"]')).waitFor();
    await settings.getByRole('button', { name: 'Add variable' }).click();
    await settings.getByLabel('Name', { exact: true }).fill('1grp');
    await settings.getByRole('alert').filter({ hasText: 'Use letters, digits and _' }).waitFor();
    await settings.getByRole('alert').filter({ hasText: 'A label name is required' }).waitFor();
    await settings.getByRole('button', { name: 'Apply' }).click();
    await settings.getByRole('alert').filter({ hasText: 'Not applied: fix the fields marked in red first' }).waitFor();
    await screenshot('variable-errors');
    await settings.getByLabel('Name', { exact: true }).fill('grp');
    await settings.getByLabel('Display label').fill('Group');
    await settings.getByLabel('Label name').fill('group');
    await settings.getByLabel('Metric or selector (optional)').fill('ui_fixture_series');
    await settings.getByLabel('Multi-value').check();
    await settings.getByLabel('Include All option').check();
    if (await settings.getByRole('alert').count()) {
      throw new Error(`errors left: ${await settings.getByRole('alert').allTextContents()}`);
    }
    await settings.getByRole('button', { name: 'Preview values' }).click();
    const preview = settings.getByRole('region', { name: 'Preview of values' });
    await preview.getByText('5 values:').waitFor();
    for (const g of ['g0', 'g4']) await preview.getByText(g, { exact: true }).waitFor();
    await screenshot('variable-form');
    // The JSON tab shows what the form made.
    await settings.getByRole('tab', { name: 'Variables JSON' }).click();
    const json = JSON.parse(await settings.getByLabel('Variables (JSON)').inputValue());
    if (json[0]?.query !== 'label_values(ui_fixture_series, group)') throw new Error(`JSON tab shows ${JSON.stringify(json)}`);
    await settings.getByRole('button', { name: 'Apply' }).click();
    await settings.waitFor({ state: 'detached' });

    // The bar offers the values; the panel query uses $grp.
    const bar = page.getByRole('group', { name: 'Variables' });
    await bar.getByText('Group', { exact: true }).click();
    const options = bar.getByRole('group', { name: 'Group' });
    for (const g of ['g0', 'g1', 'g2', 'g3', 'g4']) await options.getByLabel(g, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit panel Series in group' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit panel' });
    await editor.getByLabel('Query 1').fill('count(ui_fixture_series{group=~"$grp"})');
    await editor.getByRole('button', { name: 'Apply' }).click();
    await panel(page, 'Series in group').getByText('50', { exact: true }).waitFor();
    await options.getByLabel('g1', { exact: true }).click();
    await page.waitForURL(/var-grp=g1/);
    await panel(page, 'Series in group').getByText('10', { exact: true }).waitFor();

    // Drag "Series in group" by its header below "All series" (right half, six rows down).
    const head = panel(page, 'Series in group').getByRole('heading', { name: 'Series in group' });
    const grid = await page.locator('.dash-grid').first().boundingBox();
    const hb = await head.boundingBox();
    const sx = hb.x + 20;
    const sy = hb.y + hb.height / 2;
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move(sx + grid.width / 2, sy + 6 * 38, { steps: 12 });
    await page.locator('.dash-drop-placeholder').waitFor();
    await screenshot('dragging');
    await page.mouse.up();
    await page.locator('.dash-drop-placeholder').waitFor({ state: 'detached' });
    // Resize "All series" from its corner: two rows taller.
    const corner = page.locator('.dash-cell', { has: page.getByRole('heading', { name: 'All series' }) }).locator('.dash-resize-handle');
    const cb = await corner.boundingBox();
    await page.mouse.move(cb.x + cb.width / 2, cb.y + cb.height / 2);
    await page.mouse.down();
    await page.mouse.move(cb.x + cb.width / 2, cb.y + cb.height / 2 + 2 * 38, { steps: 6 });
    await page.mouse.up();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved (version' }).waitFor();
    const stored = (await osprey.api(`/api/v1/dashboards/${uid}`)).dashboard;
    const byTitle = Object.fromEntries(stored.panels.map((p) => [p.title, p.gridPos]));
    const want = { 'All series': [12, 0, 12, 8], 'Series in group': [12, 8, 12, 6] };
    for (const [t, [x, y, w, h]] of Object.entries(want)) {
      const g = byTitle[t];
      if (!g || g.x !== x || g.y !== y || g.w !== w || g.h !== h) throw new Error(`stored layout is ${JSON.stringify(byTitle)}`);
    }
    const v = stored.variables[0];
    if (stored.variables.length !== 1 || v.name !== 'grp' || v.query !== 'label_values(ui_fixture_series, group)' || !v.multi || !v.includeAll) {
      throw new Error(`stored variables are ${JSON.stringify(stored.variables)}`);
    }

    // After a reload: the variable (with the URL's selection) and the layout are there.
    await page.reload();
    await panel(page, 'Series in group').getByText('10', { exact: true }).waitFor();
    await bar.getByText('Group', { exact: true }).waitFor();
    const a = await panel(page, 'All series').boundingBox();
    const s = await panel(page, 'Series in group').boundingBox();
    if (!(Math.abs(a.x - s.x) < 2 && s.y >= a.y + a.height && a.x > grid.x + grid.width / 3)) {
      throw new Error(`panels are at ${JSON.stringify({ a, s })}`);
    }
    await screenshot('reloaded');

    // The keyboard alternative: with a header focused, Shift+arrow keys resize, arrows move.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const cell = page.locator('.dash-cell', { has: page.getByRole('heading', { name: 'Series in group' }) });
    await cell.locator('header.dash-drag-handle').focus();
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => {
      const el = [...document.querySelectorAll('.dash-cell')].find((c) => c.textContent.includes('Series in group'));
      return el && el.style.getPropertyValue('--gh') === '5' && el.style.getPropertyValue('--gx') === '12';
    });
    await page.getByRole('button', { name: 'Discard' }).click();
  } finally {
    await osprey.api(`/api/v1/dashboards/${uid}`, { method: 'DELETE' });
  }
}
