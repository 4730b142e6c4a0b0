/**
 * Light, dark, or the system's choice (the default). The choice is kept in localStorage and set
 * as `data-theme` on <html>; styles.css reads it, and charts read their colours from the CSS
 * variables, so both follow one switch.
 */
import { useEffect, useState } from 'preact/hooks';

export type ThemeChoice = 'auto' | 'light' | 'dark';
const KEY = 'tinysweep.theme';
const listeners = new Set<() => void>();
const media = window.matchMedia('(prefers-color-scheme: dark)');

export function themeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

export function resolvedTheme(): 'light' | 'dark' {
  const c = themeChoice();
  return c === 'auto' ? (media.matches ? 'dark' : 'light') : c;
}

function apply(): void {
  document.documentElement.dataset.theme = resolvedTheme();
  for (const l of listeners) l();
}

export function setThemeChoice(c: ThemeChoice): void {
  try {
    if (c === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, c);
  } catch {
    // storage blocked: the choice lasts for this page
  }
  apply();
}

media.addEventListener('change', apply);
apply();

/** The resolved theme, re-rendering when it changes. */
export function useTheme(): 'light' | 'dark' {
  const [theme, setTheme] = useState(resolvedTheme());
  useEffect(() => {
    const l = () => setTheme(resolvedTheme());
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return theme;
}

/** Colours for charts, read from the CSS variables of the current theme. */
export interface ChartColors {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  accent: string;
  front: string;
  palette: string[];
  heat: string[];
}

export function chartColors(): ChartColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    fg: v('--fg'),
    muted: v('--muted'),
    grid: v('--grid'),
    bg: v('--card'),
    accent: v('--accent'),
    front: v('--front'),
    palette: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => v(`--series-${i}`)),
    heat: [v('--heat-1'), v('--heat-2'), v('--heat-3'), v('--heat-4'), v('--heat-5')],
  };
}
