/**
 * `--istio-version`, shared by run (also with --replications), validate, describe, sweep and tune: overrides
 * the scenario's spec.istio.version. Studies carry it in their plan, so worker threads and shards load
 * every point for the same line.
 */
import { Option } from 'commander';
import { ISTIO_VERSIONS, type IstioProfile, parseIstioVersion } from '../config/istio-version.js';
import { UsageError } from './exit-codes.js';

export function istioVersionOption(): Option {
  return new Option(
    '--istio-version <version>',
    `the Istio release line the mesh runs (${ISTIO_VERSIONS[0]} ... ${ISTIO_VERSIONS[ISTIO_VERSIONS.length - 1]}); overrides spec.istio.version; default ${ISTIO_VERSIONS[ISTIO_VERSIONS.length - 1]}`,
  );
}

export function istioVersionFlag(v: string | undefined): IstioProfile | undefined {
  if (v === undefined) return undefined;
  const p = parseIstioVersion(v);
  if (!p.ok) throw new UsageError(`--istio-version: ${p.message}`);
  return p.profile;
}
