import { describe, expect, it } from 'vitest';
import { binomialBand } from '../support/run-model.js';
import { count, routingOutcome } from './recipe-outcomes.js';

/**
 * The recipe's steps written with Gateway API resources route like their VirtualService versions: same
 * seed, same workloads and traffic, so every upstream try lands on the same pod with the same code.
 */
const both = (gatewayApi: string, recipe: string) =>
  Promise.all([
    routingOutcome(`models/gateway-api/${gatewayApi}`),
    routingOutcome(`models/recipe/${recipe}`),
  ]);

describe('recipe step 4 (header routing) as a GAMMA HTTPRoute', async () => {
  const [gw, vs] = await both(
    'header-routing/header-routing.scenario.yaml',
    'step04-header-routing.scenario.yaml',
  );

  it('every try reaches the same version with the same code as with the VirtualService', () => {
    expect(gw.tries).toEqual(vs.tries);
    expect(gw.clientCodes).toEqual(vs.clientCodes);
    expect(gw.served).toEqual(vs.served);
  });

  it.each([
    ['jason', 'reviews-v2'],
    ['us-users', 'reviews-us'],
    ['eu-users', 'reviews-v1'], // "eu-us-1": RegularExpression us-.* must match the whole value
    ['mobile', 'reviews-mobile'],
    ['others', 'reviews-v1'], // end-user "jasonx" is no Exact match of jason
  ])('%s reaches only %s', (client, pods) => {
    const all = count(gw, new RegExp(`^${client}-`));
    expect(all).toBeGreaterThan(400);
    expect(count(gw, new RegExp(`^${client}-.* -> ${pods} `))).toBe(all);
  });

  it('both spread v1 over its two pods alike (the pods differ per try: another cluster, another LB stream)', () => {
    for (const o of [gw, vs]) {
      const all = count(o, /-> reviews-v1-/, 'byPod');
      const band = binomialBand(all, 0.5);
      const pod0 = count(o, /-> reviews-v1-[a-z0-9]+-0 /, 'byPod');
      expect(pod0).toBeGreaterThan(band.low);
      expect(pod0).toBeLessThan(band.high);
    }
  });
});
