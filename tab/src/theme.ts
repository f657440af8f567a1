/**
 * Fluent's Teams themes. Light ships in the initial bundle; dark and high contrast load on
 * demand, so the first paint carries one theme, not three.
 */
import { teamsLightTheme, type Theme } from '@fluentui/react-components';
import type { ThemeName } from './host.js';

export async function loadTheme(name: ThemeName): Promise<Theme> {
  if (name === 'dark') return (await import(/* webpackChunkName: "theme-dark" */ './theme-dark.js')).teamsDarkTheme;
  if (name === 'contrast') return (await import(/* webpackChunkName: "theme-contrast" */ './theme-contrast.js')).teamsHighContrastTheme;
  return teamsLightTheme;
}

export { teamsLightTheme };
