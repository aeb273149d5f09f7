import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../../lib/cluster/kubectl';

/** A chart written for the tests (never upstream chart content). */
export interface TestChart {
  readonly chart: string;
  readonly version: string;
  readonly description: string;
  /** Files of the chart's `crds/` folder, one CRD each, in this order. */
  readonly crds: readonly KubeObject[];
  /** Template files by name (`templates/<name>`). */
  readonly templates: Readonly<Record<string, string>>;
}

/**
 * Packages each chart into `<dir>/<chart>-<version>.tgz` and writes the folder's `index.yaml`
 * listing every version given (earlier versions stay served), served from `baseUrl`.
 * Fixed dates keep the index the same from run to run.
 */
export function writeHelmRepositoryFolder(dir: string, baseUrl: string, charts: readonly TestChart[]): void {
  const entries: Record<string, unknown[]> = {};
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-charts-'));
  try {
    for (const { chart, version, description, crds, templates } of charts) {
      const root = path.join(work, `${chart}-${version}`, chart);
      fs.mkdirSync(path.join(root, 'templates'), { recursive: true });
      fs.writeFileSync(path.join(root, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: chart, version, description }));
      if (crds.length > 0) {
        fs.mkdirSync(path.join(root, 'crds'));
        crds.forEach((c, i) => fs.writeFileSync(path.join(root, 'crds', `${String(i).padStart(3, '0')}-${c.metadata.name}.yaml`), stringify(c)));
      }
      for (const [name, text] of Object.entries(templates)) fs.writeFileSync(path.join(root, 'templates', name), text);
      const tgz = path.join(dir, `${chart}-${version}.tgz`);
      execFileSync('tar', ['-czf', tgz, '-C', path.dirname(root), chart]);
      const digest = createHash('sha256').update(fs.readFileSync(tgz)).digest('hex');
      (entries[chart] ??= []).push({ apiVersion: 'v2', name: chart, version, urls: [`${baseUrl}/${chart}-${version}.tgz`], digest, created: '2026-01-01T00:00:00Z' });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(dir, 'index.yaml'), stringify({ apiVersion: 'v1', entries, generated: '2026-01-01T00:00:00Z' }));
}
