import { ComparePage } from './pages/compare-page';
import { useEffect, useRef } from 'preact/hooks';
import { TokenButton } from './components/token-dialog';
import { NodesPage } from './pages/nodes-page';
import { SchedulePage } from './pages/schedule-page';
import { SchedulesPage } from './pages/schedules-page';
import { SweepPage } from './pages/sweep-page';
import { SweepsPage } from './pages/sweeps-page';
import { TrialPage } from './pages/trial-page';
import { Link, matchRoute, paths, useLocation } from './router';
import { setThemeChoice, themeChoice, useTheme, type ThemeChoice } from './theme';

const THEME_NEXT: Record<ThemeChoice, ThemeChoice> = { auto: 'light', light: 'dark', dark: 'auto' };

function ThemeButton() {
  useTheme();
  const choice = themeChoice();
  return (
    <button type="button" class="btn btn-quiet" onClick={() => setThemeChoice(THEME_NEXT[choice])} title="Light, dark, or as the system says">
      Theme: {choice}
    </button>
  );
}

export function App() {
  const { path } = useLocation();
  const route = matchRoute(path);
  const first = useRef(true);
  useEffect(() => {
    // After a navigation inside the board, move focus to the new page's heading, as a page load
    // would reset it; on the first load leave focus where the browser puts it.
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href={paths.sweeps()} class="brand" aria-label="tinysweep: all sweeps">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          tinysweep
        </Link>
        <nav aria-label="Main">
          <Link href={paths.sweeps()} aria-current={route.page === 'sweeps' || route.page === 'sweep' || route.page === 'compare' ? 'page' : undefined}>
            Sweeps
          </Link>
          <Link href={paths.nodes()} aria-current={route.page === 'nodes' ? 'page' : undefined}>
            Nodes
          </Link>
          <Link href={paths.schedules()} aria-current={route.page === 'schedules' || route.page === 'schedule' ? 'page' : undefined}>
            Schedules
          </Link>
          <a href="/docs">API</a>
        </nav>
        <div class="top-actions">
          <TokenButton />
          <ThemeButton />
        </div>
      </header>
      <main id="main">
        {route.page === 'sweeps' ? <SweepsPage /> : null}
        {route.page === 'sweep' ? <SweepPage key={route.id} id={route.id} /> : null}
        {route.page === 'trial' ? <TrialPage key={route.id} id={route.id} /> : null}
        {route.page === 'nodes' ? <NodesPage /> : null}
        {route.page === 'schedules' ? <SchedulesPage /> : null}
        {route.page === 'schedule' ? <SchedulePage key={route.id} id={route.id} /> : null}
        {route.page === 'compare' ? <ComparePage /> : null}
        {route.page === 'missing' ? (
          <div class="page">
            <h1 tabIndex={-1}>Not found</h1>
            <p>
              No board page at {path}. <Link href={paths.sweeps()}>All sweeps</Link>
            </p>
          </div>
        ) : null}
      </main>
    </>
  );
}
