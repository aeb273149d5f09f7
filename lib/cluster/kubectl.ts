import { spawnSync } from 'child_process';

/** A Kubernetes object as the API server returns it (the fields this folder reads). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  [key: string]: any;
}

export interface KubectlOptions {
  /** The kubectl binary. @default 'kubectl' on PATH */
  readonly binary?: string;
  /** Kubeconfig file. @default kubectl's own default ($KUBECONFIG, ~/.kube/config) */
  readonly kubeconfig?: string;
  /** Context of the kubeconfig. @default its current context */
  readonly context?: string;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Thrown when kubectl cannot be started or answers with something that is not what was asked. */
export class KubectlError extends Error {}

/**
 * kubectl with a fixed kubeconfig and context. kubectl handles every way a kubeconfig can
 * authenticate (client certificates, tokens, exec plugins such as `aws eks get-token`), which
 * is why this toolkit talks to clusters through it.
 */
export class Kubectl {
  readonly binary: string;
  private readonly global: string[];

  constructor(readonly options: KubectlOptions = {}) {
    this.binary = options.binary ?? 'kubectl';
    this.global = [...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...(options.context ? ['--context', options.context] : [])];
  }

  run(args: readonly string[], input?: string): KubectlResult {
    const r = spawnSync(this.binary, [...this.global, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.error) throw new KubectlError(`cannot run ${this.binary}: ${r.error.message}`);
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs and parses JSON output; throws with kubectl's message on a non-zero exit. */
  json<T = any>(args: readonly string[], input?: string): T {
    const r = this.run([...args, '-o', 'json'], input);
    if (r.code !== 0) throw new KubectlError(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as T;
  }
}

/** `group/Kind namespace/name`: how objects are named in reports. */
export function objectId(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core';
  return `${group}/${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** Items of a kubectl JSON answer: a List, or a single object. */
export function itemsOf(answer: any): KubeObject[] {
  if (!answer) return [];
  if (Array.isArray(answer.items)) return answer.items;
  return [answer];
}

/** Warnings the API server returned, as kubectl prints them on stderr. */
export function warningsOf(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('Warning: '))
    .map((l) => l.slice('Warning: '.length).trim());
}
