// Light/dark theme: follows the system by default; the toggle's choice is
// persisted in localStorage and applied as <html data-theme="...">.
import { useEffect, useState } from 'preact/hooks';

export type ThemeChoice = 'system' | 'light' | 'dark';
const key = 'osprey.theme';

export function loadTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(key);
    if (v === 'light' || v === 'dark' || v === 'system') return v;
  } catch {
    // storage disabled
  }
  return 'system';
}

export function effectiveTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = effectiveTheme(choice);
}

export function useTheme(): [ThemeChoice, (c: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(loadTheme);
  useEffect(() => {
    applyTheme(choice);
    if (choice !== 'system' || typeof matchMedia !== 'function') return undefined;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => applyTheme('system');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [choice]);
  const set = (c: ThemeChoice) => {
    try {
      localStorage.setItem(key, c);
    } catch {
      // storage disabled
    }
    setChoice(c);
  };
  return [choice, set];
}
