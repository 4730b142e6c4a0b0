/**
 * A small history router. The board's pages are `/` (sweeps), `/board/sweeps/:id`,
 * `/board/trials/:id`, `/board/nodes`, `/board/schedules`, `/board/schedules/:id` and
 * `/board/compare?a=…&b=…`: paths no API
 * route uses, so the API answers them all with index.html and never shadows its own routes.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  if (!opts.replace) window.scrollTo(0, 0);
  for (const l of listeners) l();
}

addEventListener('popstate', () => {
  for (const l of listeners) l();
});

/** The current location, re-rendering on every navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const [, bump] = useState(0);
  useEffect(() => {
    const l = () => bump((n) => n + 1);
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

/** Replaces the query string without a navigation (page state kept in the URL). */
export function setSearch(search: URLSearchParams): void {
  const qs = search.toString();
  history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
}

export const paths = {
  sweeps: () => '/',
  sweep: (id: string) => `/board/sweeps/${id}`,
  trial: (id: string) => `/board/trials/${id}`,
  nodes: () => '/board/nodes',
  schedules: () => '/board/schedules',
  schedule: (id: string) => `/board/schedules/${id}`,
  compare: (a: string, b: string) => `/board/compare?a=${a}&b=${b}`,
};

export type Route = { page: 'sweeps' } | { page: 'sweep'; id: string } | { page: 'trial'; id: string } | { page: 'nodes' } | { page: 'schedules' } | { page: 'schedule'; id: string } | { page: 'compare' } | { page: 'missing' };

export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/' || p === '/board') return { page: 'sweeps' };
  if (p === '/board/nodes') return { page: 'nodes' };
  if (p === '/board/schedules') return { page: 'schedules' };
  if (p === '/board/compare') return { page: 'compare' };
  const schedule = /^\/board\/schedules\/([0-9a-f-]{36})$/i.exec(p);
  if (schedule) return { page: 'schedule', id: schedule[1]! };
  const sweep = /^\/board\/sweeps\/([0-9a-f-]{36})$/i.exec(p);
  if (sweep) return { page: 'sweep', id: sweep[1]! };
  const trial = /^\/board\/trials\/([0-9a-f-]{36})$/i.exec(p);
  if (trial) return { page: 'trial', id: trial[1]! };
  return { page: 'missing' };
}

/** An anchor that navigates in place (new tabs, middle clicks and keyboards work as for any link). */
export function Link(props: JSX.HTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren }) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      {...rest}
      href={href}
      onClick={(e) => {
        if (typeof onClick === 'function') onClick(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}
