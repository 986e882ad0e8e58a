/// <reference types="vite/client" />
/**
 * The bundled models: every YAML file under models/, inlined at build time (Vite glob `?raw` imports),
 * keyed by repository path (`models/canary/canary.scenario.yaml`).
 */
const raw = import.meta.glob('../../../models/**/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const BUNDLED: ReadonlyMap<string, string> = new Map(
  Object.entries(raw)
    .map(([k, v]) => [k.replace(/^(\.\.\/)+/, ''), v] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);

export const DEFAULT_MODEL = 'models/canary/canary.scenario.yaml';
