import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { applyObjects, formatRefusal, type Refusal } from './apply';
import type { KubeObject, Kubectl } from './kubectl';

/** Folders of `dist/<env>/` in apply order. */
export const VERIFY_FOLDERS = ['platform', 'config', 'apps', 'flux', 'argocd'] as const;

export interface FolderReport {
  readonly folder: string;
  readonly objects: number;
  readonly accepted: number;
  readonly refusals: Refusal[];
  readonly warnings: string[];
}

export interface VerifyReport {
  readonly folders: FolderReport[];
  /** Refusals that are errors: not a missing CRD or a namespace an earlier layer creates. */
  readonly errors: Refusal[];
}

/** The objects of one output folder (every YAML file but kustomization.yaml), in file order. */
export function readFolder(dir: string): KubeObject[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
    .filter((o) => o && typeof o === 'object');
}

/**
 * Server-side dry run (dryRun=All, strict field validation) of `<envDir>/<folder>` for each
 * folder in apply order: the API server validates and admits every object without storing it.
 * A custom resource whose CRD is not installed yet, or an object in a namespace that an earlier
 * layer creates, is reported as such and is not an error.
 */
export function verifyEnvironment(kubectl: Kubectl, envDir: string): VerifyReport {
  const folders: FolderReport[] = [];
  for (const folder of VERIFY_FOLDERS) {
    const objects = readFolder(path.join(envDir, folder));
    if (objects.length === 0) continue;
    const r = applyObjects(kubectl, objects, { dryRun: true });
    folders.push({ folder, objects: objects.length, accepted: r.applied.length, refusals: r.refusals, warnings: r.warnings });
  }
  return { folders, errors: folders.flatMap((f) => f.refusals.filter((r) => r.kind === 'refused')) };
}

/** The report as people read it. */
export function formatReport(env: string, report: VerifyReport): string {
  const lines: string[] = [];
  for (const f of report.folders) {
    const waiting = f.refusals.filter((r) => r.kind !== 'refused').length;
    const refused = f.refusals.length - waiting;
    lines.push(
      `${env}/${f.folder}: ${f.accepted}/${f.objects} accepted${refused ? `, ${refused} refused` : ''}${waiting ? `, ${waiting} waiting for a CRD or namespace not there yet` : ''}${f.warnings.length ? `, ${f.warnings.length} warning(s)` : ''}`,
    );
    for (const r of f.refusals) lines.push(`  ${r.kind === 'refused' ? 'ERROR' : 'later'} ${formatRefusal(r)}`);
    for (const w of f.warnings) lines.push(`  warning: ${w}`);
  }
  lines.push(report.errors.length === 0 ? `${env}: no object refused` : `${env}: ${report.errors.length} object(s) refused`);
  return lines.join('\n');
}
