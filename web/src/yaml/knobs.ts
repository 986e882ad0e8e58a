import { isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import type { YamlPath } from './edit.js';

export type KnobType = 'int' | 'number' | 'duration' | 'text';

/** One what-if knob: a field of a file, read from the YAML and written back to it. */
export interface Knob {
  id: string;
  group: string;
  label: string;
  file: string;
  doc: number;
  path: YamlPath;
  type: KnobType;
  /** The value as written, or undefined when the field is absent (its default applies). */
  value: string | undefined;
  /** Shown when absent: the default meshsim applies (Istio's, for manifests). */
  placeholder: string;
}

const OUTLIER: [string, KnobType, string][] = [
  ['consecutive5xxErrors', 'int', '5 (when outlierDetection is set)'],
  ['interval', 'duration', '10s'],
  ['baseEjectionTime', 'duration', '30s'],
  ['maxEjectionPercent', 'int', '10'],
];
const POOL: [string[], KnobType, string][] = [
  [['tcp', 'maxConnections'], 'int', '2^32-1'],
  [['http', 'http1MaxPendingRequests'], 'int', '2^32-1'],
  [['http', 'http2MaxRequests'], 'int', '2^32-1'],
  [['http', 'maxRequestsPerConnection'], 'int', 'unlimited'],
  [['http', 'maxRetries'], 'int', '2^32-1'],
];

/**
 * The knobs that matter for what-if questions, found in the open files (pure): route weights, retries
 * (attempts, perTryTimeout, retryOn) and timeouts of VirtualServices; outlierDetection and
 * connectionPool of DestinationRules; the scenario's load rates, error rates and failure events.
 */
export function findKnobs(files: readonly { path: string; text: string }[]): Knob[] {
  const knobs: Knob[] = [];
  for (const f of files) {
    const docs = parseAllDocuments(f.text);
    if (!Array.isArray(docs)) continue;
    docs.forEach((doc, di) => {
      if (doc.errors.length > 0) return;
      const kind = doc.get('kind');
      const ns = String(doc.getIn(['metadata', 'namespace']) ?? 'default');
      const name = String(doc.getIn(['metadata', 'name']) ?? '?');
      const add = (group: string, label: string, path: YamlPath, type: KnobType, placeholder: string) =>
        knobs.push({
          id: `${f.path}#${di}:${path.join('.')}`,
          group,
          label,
          file: f.path,
          doc: di,
          path,
          type,
          value: scalarText(doc, path),
          placeholder,
        });
      if (kind === 'VirtualService') {
        const group = `VirtualService ${ns}/${name}`;
        items(doc, ['spec', 'http']).forEach((_, i) => {
          const base = ['spec', 'http', i];
          // Which route: Istio's HTTPRoute `name` when set, always with its index (http[i]).
          const route = routeName(doc, base, i);
          const at = `VirtualService ${name}, ${route}`;
          items(doc, [...base, 'route']).forEach((_, j) => {
            const dest =
              doc.getIn([...base, 'route', j, 'destination', 'subset']) ??
              doc.getIn([...base, 'route', j, 'destination', 'host']);
            add(
              group,
              `${at} weight → ${String(dest)}`,
              [...base, 'route', j, 'weight'],
              'int',
              '100 / routes',
            );
          });
          add(group, `${at} timeout`, [...base, 'timeout'], 'duration', 'none');
          add(group, `${at} retries.attempts`, [...base, 'retries', 'attempts'], 'int', '2 (Istio default)');
          add(
            group,
            `${at} retries.perTryTimeout`,
            [...base, 'retries', 'perTryTimeout'],
            'duration',
            'none',
          );
          add(
            group,
            `${at} retries.retryOn`,
            [...base, 'retries', 'retryOn'],
            'text',
            'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
          );
        });
      } else if (kind === 'DestinationRule') {
        const group = `DestinationRule ${ns}/${name}`;
        for (const [k, t, ph] of OUTLIER)
          add(
            group,
            `DestinationRule ${name} outlierDetection.${k}`,
            ['spec', 'trafficPolicy', 'outlierDetection', k],
            t,
            ph,
          );
        for (const [k, t, ph] of POOL)
          add(
            group,
            `DestinationRule ${name} connectionPool.${k.join('.')}`,
            ['spec', 'trafficPolicy', 'connectionPool', ...k],
            t,
            ph,
          );
      } else if (kind === 'Scenario') {
        items(doc, ['spec', 'traffic']).forEach((_, i) => {
          const g = String(doc.getIn(['spec', 'traffic', i, 'name']) ?? i);
          const group = 'Scenario load';
          if (doc.getIn(['spec', 'traffic', i, 'connections']) !== undefined) {
            add(group, `${g} connections`, ['spec', 'traffic', i, 'connections'], 'int', '');
            add(group, `${g} qps (0 = max)`, ['spec', 'traffic', i, 'qps'], 'number', '0');
          } else if (!isMap(doc.getIn(['spec', 'traffic', i, 'rate'], true)))
            add(group, `${g} rate`, ['spec', 'traffic', i, 'rate'], 'text', 'e.g. 1000/s');
        });
        const workloads = doc.getIn(['spec', 'workloads'], true);
        if (isMap(workloads))
          for (const pair of workloads.items) {
            const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
            items(doc, ['spec', 'workloads', key, 'errors']).forEach((_, j) => {
              const st = doc.getIn(['spec', 'workloads', key, 'errors', j, 'status']);
              add(
                'Scenario failures',
                `${key} ${String(st)} rate`,
                ['spec', 'workloads', key, 'errors', j, 'rate'],
                'number',
                '0',
              );
            });
          }
        items(doc, ['spec', 'events']).forEach((_, k) => {
          const target = String(
            doc.getIn(['spec', 'events', k, 'target']) ?? doc.getIn(['spec', 'events', k, 'zone']) ?? '',
          );
          add('Scenario failures', `event ${k} (${target}) at`, ['spec', 'events', k, 'at'], 'duration', '');
          add(
            'Scenario failures',
            `event ${k} (${target}) for`,
            ['spec', 'events', k, 'for'],
            'duration',
            'permanent',
          );
        });
      }
    });
  }
  return knobs;
}

/** `route 'canary' (http[0])` when the HTTPRoute has a name, `route http[0]` when it has none. */
function routeName(doc: Document, base: YamlPath, i: number): string {
  const n = doc.getIn([...base, 'name']);
  return typeof n === 'string' && n !== '' ? `route '${n}' (http[${i}])` : `route http[${i}]`;
}

function items(doc: Document, path: YamlPath): unknown[] {
  const n = doc.getIn(path, true);
  return isSeq(n) ? n.items : [];
}

function scalarText(doc: Document, path: YamlPath): string | undefined {
  const n = doc.getIn(path, true);
  return isScalar(n) && n.value !== null ? String(n.value) : undefined;
}

/** Parses a knob's input into the YAML value to write (null = remove the field); undefined = invalid. */
export function knobValue(type: KnobType, input: string): string | number | null | undefined {
  const s = input.trim();
  if (s === '') return null;
  if (type === 'int') return /^-?\d+$/.test(s) ? Number(s) : undefined;
  if (type === 'number') return Number.isFinite(Number(s)) ? Number(s) : undefined;
  if (type === 'duration') return /^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(s) ? s : undefined;
  return s;
}
