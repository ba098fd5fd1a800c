// Routes mounted by app.tsx: /dashboards and /dashboards/:uid ("new" creates one).
import './dashboards.css';

export { DashboardListPage } from './ListPage';
export { DashboardPage } from './DashboardPage';
