import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { appendYamlItem, setYamlValue } from '../../web/src/yaml/edit.js';
import { findKnobs, knobValue } from '../../web/src/yaml/knobs.js';

const split = readFileSync('models/recipe/step03-traffic-split.yaml', 'utf8');
const canary = readFileSync('models/canary/canary.scenario.yaml', 'utf8');

describe('what-if edits through the yaml Document API', () => {
  it('replaces an existing scalar in place: every other byte, comments included, is unchanged', () => {
    const out = setYamlValue(split, 0, ['spec', 'http', 1, 'route', 0, 'weight'], 75);
    const i = split.indexOf('weight: 90');
    expect(out).toBe(`${split.slice(0, i)}weight: 75${split.slice(i + 'weight: 90'.length)}`);
    expect(out.startsWith('# Recipe step 3')).toBe(true);
  });

  it('edits a value inside a flow mapping and keeps the comment lines of the scenario', () => {
    const out = setYamlValue(
      canary,
      0,
      ['spec', 'workloads', 'production/product-service-v2', 'errors', 0, 'rate'],
      0.2,
    );
    expect(out).toContain('errors: [{status: 503, rate: 0.2}]');
    expect(out.split('\n').slice(0, 3)).toEqual(canary.split('\n').slice(0, 3));
    expect(out.length).toBe(canary.length - '0.05'.length + '0.2'.length);
  });

  it('quotes a string that would not read back as the same plain scalar, in flow context too', () => {
    const text = 'spec:\n  http:\n  - retries: {attempts: 2, retryOn: 5xx}\n';
    const out = setYamlValue(text, 0, ['spec', 'http', 0, 'retries', 'retryOn'], '5xx,reset');
    expect(out).toBe('spec:\n  http:\n  - retries: {attempts: 2, retryOn: "5xx,reset"}\n');
    expect(parseAllDocuments(out)[0]!.toJS().spec.http[0].retries.retryOn).toBe('5xx,reset');
    // A single-quoted value stays single-quoted.
    expect(setYamlValue("a: 'x'\n", 0, ['a'], "it's")).toBe("a: 'it''s'\n");
  });

  it('creates a missing field in the right document of a multi-document file, the others untouched', () => {
    const out = setYamlValue(
      split,
      1,
      ['spec', 'trafficPolicy', 'outlierDetection', 'consecutive5xxErrors'],
      3,
    );
    const docs = parseAllDocuments(out);
    expect(docs).toHaveLength(2);
    expect(docs[1]!.toJS().spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(3);
    const firstDocEnd = split.indexOf('\n---\n');
    expect(out.slice(0, firstDocEnd)).toBe(split.slice(0, firstDocEnd));
    // The file's unindented sequence style is kept for the re-serialised document.
    expect(out).toContain('  subsets:\n  - name: v1');
  });

  it('deletes a field for null (back to the default) and appends a failure event', () => {
    const withTimeout = setYamlValue(split, 0, ['spec', 'http', 1, 'timeout'], '2s');
    expect(parseAllDocuments(withTimeout)[0]!.toJS().spec.http[1].timeout).toBe('2s');
    const back = setYamlValue(withTimeout, 0, ['spec', 'http', 1, 'timeout'], null);
    expect(parseAllDocuments(back)[0]!.toJS().spec.http[1].timeout).toBeUndefined();
    const ev = appendYamlItem(canary, 0, ['spec', 'events'], {
      at: '20s',
      target: 'production/product-service-v1',
      crash: { pods: 1 },
      for: '10s',
    });
    expect(parseAllDocuments(ev)[0]!.toJS().spec.events).toEqual([
      { at: '20s', target: 'production/product-service-v1', crash: { pods: 1 }, for: '10s' },
    ]);
    expect(ev).toContain('# The default model (README quick start)');
  });
});

describe('knobs', () => {
  it('finds route weights, retries, outlier and pool fields, load and failures with their current values', () => {
    const knobs = findKnobs([
      { path: 'c.yaml', text: canary },
      { path: 's.yaml', text: split },
    ]);
    const byLabel = new Map(knobs.map((k) => [k.label, k]));
    expect(byLabel.get('VirtualService product-service, route http[1] weight → v1')?.value).toBe('90');
    expect(byLabel.get('VirtualService product-service, route http[1] weight → v2')?.value).toBe('10');
    expect(byLabel.get('frontend rate')?.value).toBe('1000/s');
    expect(byLabel.get('production/product-service-v2 503 rate')?.value).toBe('0.05');
    const od = byLabel.get('DestinationRule product-service outlierDetection.consecutive5xxErrors')!;
    expect(od.value).toBeUndefined();
    expect(od.path).toEqual(['spec', 'trafficPolicy', 'outlierDetection', 'consecutive5xxErrors']);
    expect(od.doc).toBe(1);
    expect(byLabel.has('VirtualService product-service, route http[0] retries.perTryTimeout')).toBe(true);
    expect(byLabel.has('DestinationRule product-service connectionPool.http.http1MaxPendingRequests')).toBe(
      true,
    );
  });

  it('parses knob input by type and rejects what the field cannot hold', () => {
    expect(knobValue('int', '7')).toBe(7);
    expect(knobValue('int', '7.5')).toBeUndefined();
    expect(knobValue('number', '0.25')).toBe(0.25);
    expect(knobValue('duration', '1.5s')).toBe('1.5s');
    expect(knobValue('duration', '1h30m')).toBe('1h30m');
    expect(knobValue('duration', '10')).toBeUndefined();
    expect(knobValue('text', '  ')).toBeNull();
  });
});
