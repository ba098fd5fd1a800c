// First contact: "/" opens the host overview dashboard with charts, in light and dark themes,
// at desktop and phone sizes, without console errors; a server that goes away shows the
// "cannot reach" banner, which clears once the server is back.

async function expectHostOverview(page) {
  await page.waitForURL(/\/dashboards\/host-overview/, { timeout: 30000 });
  await page.getByText('Host overview', { exact: false }).first().waitFor({ timeout: 30000 });
  // uPlot draws into a canvas once data arrived.
  await page.locator('canvas').first().waitFor({ state: 'visible', timeout: 60000 });
}

async function expectTheme(page, theme) {
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme, { timeout: 10000 });
}

// True once the panel titled `title` shows something other than "No data".
async function waitForPanelData(page, title) {
  await page.waitForFunction(
    (t) => {
      const heading = [...document.querySelectorAll('#main *')].find((e) => e.children.length === 0 && e.textContent.trim() === t);
      let panel = heading?.parentElement;
      while (panel && panel.textContent.trim() === t) panel = panel.parentElement;
      return panel && !panel.textContent.includes('No data');
    },
    title,
    { timeout: 60000 },
  );
}

export async function rootShowsHostOverview({ page, baseUrl, osprey, screenshot }) {
  // Live host metrics (two scrapes, so rates have points) before the first look.
  await osprey.waitFor(async () => (await osprey.query('count(rate(node_cpu_seconds_total[1m]))')).result.length > 0, 60000, 'host metrics');
  await page.emulateMedia({ colorScheme: 'light' });
  const response = await page.goto(`${baseUrl}/`);
  if (response.status() !== 200) throw new Error(`GET / answered ${response.status()}`);
  const csp = response.headers()['content-security-policy'] ?? '';
  if (!csp.includes("script-src 'self'")) throw new Error(`no CSP on the page: "${csp}"`);
  await expectHostOverview(page);
  await expectTheme(page, 'light');
  await waitForPanelData(page, 'Load (1m)');
  await waitForPanelData(page, 'CPU busy by mode');
  await waitForPanelData(page, 'Uptime');
  // Stat values fit their panels (a long one like "13h 50m" was cut off at 1280x800).
  const clipped = await page.evaluate(() =>
    [...document.querySelectorAll('.dash-stat-value')]
      .filter((e) => e.scrollWidth > e.parentElement.clientWidth + 1)
      .map((e) => `${e.textContent} (${e.scrollWidth}px in ${e.parentElement.clientWidth}px)`),
  );
  if (clipped.length) throw new Error(`stat values cut off: ${clipped.join(', ')}`);
  await screenshot('light-1280x800');
}

export async function darkThemeAndPhoneWidth({ page, baseUrl, screenshot }) {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${baseUrl}/`);
  await expectHostOverview(page);
  await expectTheme(page, 'dark');
  await screenshot('dark-1280x800');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expectHostOverview(page);
  // Nothing wider than the phone: no horizontal scrolling of the whole page.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) throw new Error(`the page is ${overflow}px wider than a 390px phone screen`);
  await screenshot('dark-390x844');
  await page.emulateMedia({ colorScheme: 'light' });
  await expectTheme(page, 'light');
  await screenshot('light-390x844');
}

export async function apiDownBannerAndRecovery({ page, fixture, screenshot, expectConsoleErrors }) {
  // A second osprey, so the main one keeps serving the other scenarios.
  const osprey = await fixture.startOsprey('banner');
  try {
    const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
    // Visit both pages first so their code is loaded: once the server is gone only their
    // API requests can fail.
    await page.goto(`${osprey.baseUrl}/targets`);
    await page.locator('#main').waitFor();
    await nav('Dashboards').click();
    await page.waitForURL(/\/dashboards$/);
    await page.getByText('Host overview').first().waitFor({ timeout: 30000 });
    await nav('Targets').click();
    await page.waitForURL(/\/targets$/);
    // The layout's banner (pages may show their own error boxes too).
    const banner = page.locator('.banner[role=alert]', { hasText: 'Cannot reach the Osprey server' });
    if (await banner.count()) throw new Error('banner shown while the server is up');

    // Fetches fail while it is down: the browser logs each as a console error.
    expectConsoleErrors(/Failed to load resource|ERR_CONNECTION_REFUSED|Failed to fetch|NetworkError/);
    await osprey.stop();
    await nav('Dashboards').click();
    await banner.waitFor({ state: 'visible', timeout: 30000 });
    await screenshot('api-down');

    await osprey.restart({ samePort: true });
    await banner.waitFor({ state: 'detached', timeout: 60000 });
  } finally {
    await osprey.stop();
  }
}
