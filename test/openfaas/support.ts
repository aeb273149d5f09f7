import { App, Chart, Testing } from 'cdk8s';
import type { PlatformSpecInput } from '../../lib/spec/platform';

/**
 * A small self-contained spec with OpenFaaS functions only (other modules stay idle), on
 * OpenFaaS Pro unless `extra.openfaas.edition` says otherwise (these tests cover operator mode).
 */
export function baseSpec(functions: unknown[] = [], extra: Record<string, unknown> = {}): PlatformSpecInput {
  return {
    name: 'acme',
    aws: { region: 'eu-west-1', accountId: '123456789012' },
    environments: { dev: { domain: 'dev.acme.example' }, prod: { domain: 'acme.example' }, edge: { domain: 'edge.acme.example' } },
    tenants: [{ name: 'shop' }, { name: 'media' }],
    functions,
    ...extra,
    openfaas: { edition: 'pro', ...(extra.openfaas as object) },
  } as PlatformSpecInput;
}

/** A chart to build constructs in directly, and its synthesized objects. */
export function testChart(): { chart: Chart; synth: () => any[] } {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  return { chart, synth: () => Testing.synth(chart) };
}
