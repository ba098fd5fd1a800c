// Layout (skip link, header, side navigation, API-down banner) and the
// client-side route table.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { lazyPage } from './components/lazy';
import { DashboardListPage, DashboardPage } from './dashboards/pages';
import { useApiHealth } from './lib/api';
import { linkClick, matchPath, navigate, useLocation } from './lib/router';
import { useTheme, type ThemeChoice } from './lib/theme';

const ExplorePage = lazyPage(() => import('./pages/explore/explore').then((m) => m.ExplorePage));
const AlertsPage = lazyPage(() => import('./pages/alerts').then((m) => m.AlertsPage));
const SilencesPage = lazyPage(() => import('./pages/silences').then((m) => m.SilencesPage));
const IncidentsPage = lazyPage(() => import('./pages/incidents').then((m) => m.IncidentsPage));
const IncidentPage = lazyPage<{ id: string }>(() => import('./pages/incident').then((m) => m.IncidentPage));
const OncallPage = lazyPage(() => import('./pages/oncall').then((m) => m.OncallPage));
const TargetsPage = lazyPage(() => import('./pages/targets').then((m) => m.TargetsPage));
const ServiceDiscoveryPage = lazyPage(() => import('./pages/targets').then((m) => m.ServiceDiscoveryPage));
const UptimePage = lazyPage(() => import('./pages/uptime').then((m) => m.UptimePage));
const TsdbStatusPage = lazyPage(() => import('./pages/status').then((m) => m.TsdbStatusPage));
const ConfigPage = lazyPage(() => import('./pages/status').then((m) => m.ConfigPage));
const FlagsPage = lazyPage(() => import('./pages/status').then((m) => m.FlagsPage));

interface Route {
  path: string;
  title: string;
  render: (params: Record<string, string>) => ComponentChildren;
}

export const routes: Route[] = [
  { path: '/explore', title: 'Explore', render: () => <ExplorePage /> },
  { path: '/dashboards', title: 'Dashboards', render: () => <DashboardListPage /> },
  { path: '/dashboards/:uid', title: 'Dashboard', render: (p) => <DashboardPage uid={p.uid} /> },
  { path: '/alerts', title: 'Alerts', render: () => <AlertsPage /> },
  { path: '/alerting', title: 'Alerts', render: () => <AlertsPage /> },
  { path: '/silences', title: 'Silences', render: () => <SilencesPage /> },
  { path: '/incidents', title: 'Incidents', render: () => <IncidentsPage /> },
  { path: '/incidents/:id', title: 'Incident', render: (p) => <IncidentPage id={p.id} /> },
  { path: '/oncall', title: 'On-call', render: () => <OncallPage /> },
  { path: '/targets', title: 'Targets', render: () => <TargetsPage /> },
  { path: '/service-discovery', title: 'Service discovery', render: () => <ServiceDiscoveryPage /> },
  { path: '/uptime', title: 'Uptime', render: () => <UptimePage /> },
  { path: '/tsdb-status', title: 'TSDB status', render: () => <TsdbStatusPage /> },
  { path: '/config', title: 'Configuration', render: () => <ConfigPage /> },
  { path: '/flags', title: 'Flags', render: () => <FlagsPage /> },
];

const navGroups: { label: string; items: { href: string; label: string; match?: string[] }[] }[] = [
  {
    label: 'Observe',
    items: [
      { href: '/dashboards', label: 'Dashboards' },
      { href: '/explore', label: 'Explore' },
    ],
  },
  {
    label: 'Alerting',
    items: [
      { href: '/alerts', label: 'Alerts', match: ['/alerting'] },
      { href: '/silences', label: 'Silences' },
      { href: '/incidents', label: 'Incidents' },
      { href: '/oncall', label: 'On-call' },
    ],
  },
  {
    label: 'Status',
    items: [
      { href: '/targets', label: 'Targets' },
      { href: '/service-discovery', label: 'Service discovery' },
      { href: '/uptime', label: 'Uptime' },
      { href: '/tsdb-status', label: 'TSDB status' },
      { href: '/config', label: 'Configuration' },
      { href: '/flags', label: 'Flags' },
    ],
  },
];

export function resolveRoute(path: string): { route: Route; params: Record<string, string> } | null {
  for (const r of routes) {
    const p = matchPath(r.path, path);
    if (p) return { route: r, params: p };
  }
  return null;
}

function isActive(path: string, href: string, extra: string[] = []): boolean {
  for (const h of [href, ...extra]) if (path === h || path.startsWith(`${h}/`)) return true;
  return false;
}

function ApiDownBanner() {
  const h = useApiHealth();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!h.down) return undefined;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [h.down]);
  if (!h.down) return null;
  const secs = Math.max(0, Math.ceil((h.retryAt - now) / 1000));
  return (
    <div class="banner banner-error" role="alert">
      Cannot reach the Osprey server. {h.retryAt ? `Retrying in ${secs}s…` : 'Retrying…'}
    </div>
  );
}

const themeLabels: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };
const nextTheme: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function App() {
  const loc = useLocation();
  const [theme, setTheme] = useTheme();
  const [navOpen, setNavOpen] = useState(false);

  useEffect(() => {
    if (loc.path === '/' || loc.path === '') navigate('/dashboards/host-overview', { replace: true });
  }, [loc.path]);
  useEffect(() => setNavOpen(false), [loc.path]);

  const resolved = resolveRoute(loc.path);
  useEffect(() => {
    document.title = resolved ? `${resolved.route.title} · Osprey` : 'Osprey';
  }, [resolved?.route.title]);

  return (
    <div class={`layout${navOpen ? ' nav-open' : ''}`}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button
          type="button"
          class="nav-toggle"
          aria-expanded={navOpen}
          aria-controls="sidenav"
          onClick={() => setNavOpen(!navOpen)}
        >
          Menu
        </button>
        <a class="brand" href="/dashboards" onClick={linkClick}>
          Osprey
        </a>
        <span class="spacer" />
        <button
          type="button"
          class="theme-toggle"
          title="Switch theme"
          aria-label={`${themeLabels[theme]} (click to change)`}
          onClick={() => setTheme(nextTheme[theme])}
        >
          {themeLabels[theme]}
        </button>
      </header>
      <nav id="sidenav" class="sidenav" aria-label="Main">
        {navGroups.map((g) => (
          <div class="nav-group" key={g.label}>
            <div class="nav-group-label">{g.label}</div>
            <ul>
              {g.items.map((it) => {
                const active = isActive(loc.path, it.href, it.match);
                return (
                  <li key={it.href}>
                    <a href={it.href} onClick={linkClick} class={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
                      {it.label}
                    </a>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        <ApiDownBanner />
        {resolved ? (
          resolved.route.render(resolved.params)
        ) : loc.path === '/' ? null : (
          <div>
            <h1>Not found</h1>
            <p>
              No page at <code>{loc.path}</code>.{' '}
              <a href="/dashboards" onClick={linkClick}>
                Go to dashboards
              </a>
            </p>
          </div>
        )}
      </main>
    </div>
  );
}
