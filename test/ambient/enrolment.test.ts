import { describe, expect, it } from 'vitest';
import { ambientEnrolled, sidecarInjected } from '../../src/config/resolve/ambient.js';

const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

describe('ambient enrolment (istio-cni enablement selectors)', () => {
  it('a namespace label enrols its pods; no label anywhere enrols nothing', () => {
    expect(ambientEnrolled(AMBIENT, {})).toBe(true);
    expect(ambientEnrolled({}, {})).toBe(false);
    expect(ambientEnrolled({ 'istio.io/dataplane-mode': 'none' }, {})).toBe(false);
  });
  it("a pod's own label enrols it in any namespace; `none` opts it out of an ambient namespace", () => {
    expect(ambientEnrolled({}, AMBIENT)).toBe(true);
    expect(ambientEnrolled(AMBIENT, { 'istio.io/dataplane-mode': 'none' })).toBe(false);
    // Any other pod value is not `none`: the namespace's label still applies.
    expect(ambientEnrolled(AMBIENT, { 'istio.io/dataplane-mode': 'other' })).toBe(true);
  });
  it('a sidecar wins: injection by namespace or pod label opts the pod out of ambient', () => {
    expect(ambientEnrolled({ ...AMBIENT, 'istio-injection': 'enabled' }, {})).toBe(false);
    expect(ambientEnrolled(AMBIENT, { 'sidecar.istio.io/inject': 'true' })).toBe(false);
    expect(ambientEnrolled({}, { ...AMBIENT, 'sidecar.istio.io/inject': 'true' })).toBe(false);
    // The pod's inject=false beats the namespace's injection: ambient applies again.
    expect(
      ambientEnrolled({ ...AMBIENT, 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }),
    ).toBe(true);
  });
  it('sidecarInjected reads the namespace and pod labels with the pod first', () => {
    expect(sidecarInjected({ 'istio-injection': 'enabled' }, {})).toBe(true);
    expect(sidecarInjected({ 'istio-injection': 'disabled' }, { 'sidecar.istio.io/inject': 'true' })).toBe(
      true,
    );
    expect(sidecarInjected({ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' })).toBe(
      false,
    );
    expect(sidecarInjected({}, {})).toBe(false);
  });
});
