/**
 * Pod Security Standards "restricted" (Kubernetes v1.30+ `latest`), checked on pod specs
 * found anywhere in synthesized output, plus the toolkit's own rule: read-only root
 * filesystems. Each violation names the object and the field.
 */

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Every pod spec inside an object: any object holding a `containers` list of objects with an `image`. */
export function podSpecs(o: Obj): { path: string; spec: any }[] {
  const found: { path: string; spec: any }[] = [];
  const walk = (v: any, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      if (Array.isArray(v.containers) && v.containers.some((c: any) => c && typeof c === 'object' && 'image' in c)) found.push({ path, spec: v });
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(o.spec, 'spec');
  return found;
}

/** Violations of restricted + read-only root filesystem in one pod spec. */
export function podSpecViolations(spec: any): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork) out.push('hostNetwork: true');
  if (spec.hostPID) out.push('hostPID: true');
  if (spec.hostIPC) out.push('hostIPC: true');
  if (pod.runAsUser === 0) out.push('securityContext.runAsUser: 0');
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`securityContext.sysctls: ${s.name} is not a safe sysctl`);
  if (pod.seccompProfile && !['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile.type)) out.push(`securityContext.seccompProfile.type: ${pod.seccompProfile.type}`);
  if (pod.appArmorProfile && !['RuntimeDefault', 'Localhost'].includes(pod.appArmorProfile.type)) out.push(`securityContext.appArmorProfile.type: ${pod.appArmorProfile.type}`);
  if (pod.seLinuxOptions && (!SELINUX_TYPES.includes(pod.seLinuxOptions.type ?? '') || pod.seLinuxOptions.user || pod.seLinuxOptions.role)) out.push('securityContext.seLinuxOptions');
  for (const v of spec.volumes ?? []) {
    const kinds = Object.keys(v).filter((k) => k !== 'name');
    for (const k of kinds) if (!ALLOWED_VOLUMES.includes(k)) out.push(`volumes[${v.name}]: ${k} volumes are not allowed`);
  }
  const all = [
    ...(spec.initContainers ?? []).map((c: any) => ['initContainers', c]),
    ...(spec.containers ?? []).map((c: any) => ['containers', c]),
    ...(spec.ephemeralContainers ?? []).map((c: any) => ['ephemeralContainers', c]),
  ] as [string, any][];
  for (const [list, c] of all) {
    const sc = c.securityContext ?? {};
    const at = `${list}[${c.name}]`;
    if (sc.privileged) out.push(`${at}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation must be false`);
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) out.push(`${at}: runAsNonRoot must be true (container or pod)`);
    if (sc.runAsUser === 0) out.push(`${at}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) out.push(`${at}: seccompProfile must be RuntimeDefault or Localhost (container or pod)`);
    if (sc.appArmorProfile && !['RuntimeDefault', 'Localhost'].includes(sc.appArmorProfile.type)) out.push(`${at}: appArmorProfile.type ${sc.appArmorProfile.type}`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${at}: capabilities.drop must include ALL`);
    const added = (sc.capabilities?.add ?? []).filter((x: string) => x !== 'NET_BIND_SERVICE');
    if (added.length > 0) out.push(`${at}: capabilities.add ${added.join(',')}`);
    if (sc.procMount && sc.procMount !== 'Default') out.push(`${at}: procMount ${sc.procMount}`);
    if (sc.seLinuxOptions && (!SELINUX_TYPES.includes(sc.seLinuxOptions.type ?? '') || sc.seLinuxOptions.user || sc.seLinuxOptions.role)) out.push(`${at}: seLinuxOptions`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${at}: hostPort ${p.hostPort}`);
    if (list !== 'ephemeralContainers' && sc.readOnlyRootFilesystem !== true) out.push(`${at}: readOnlyRootFilesystem must be true`);
  }
  return out;
}

/**
 * Every workload violation in a whole output: pod specs wherever they appear (Deployments,
 * StatefulSets, Jobs, CronJobs, Knative Services/Configurations/Revisions, any CR embedding
 * a pod template), and OpenFaaS Functions, whose pods the operator builds: they must ask
 * for a read-only root filesystem, and the chart must run them as non-root.
 */
export function workloadViolations(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  const openfaasReleases = objects.filter((o) => o.kind === 'HelmRelease' && o.spec?.chart?.spec?.chart === 'openfaas');
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (o.kind === 'HelmRelease') continue; // chart values are checked per chart below, not as pod specs
    for (const { path, spec } of podSpecs(o)) for (const v of podSpecViolations(spec)) out.push(`${id} ${path}: ${v}`);
    if (o.apiVersion.startsWith('openfaas.com/') && o.kind === 'Function') {
      if (o.spec.readOnlyRootFilesystem !== true) out.push(`${id}: spec.readOnlyRootFilesystem must be true`);
      if (openfaasReleases.length === 0) out.push(`${id}: no openfaas HelmRelease in the output to check functions.setNonRootUser`);
    }
  }
  if (objects.some((o) => o.kind === 'Function' && o.apiVersion.startsWith('openfaas.com/'))) {
    for (const r of openfaasReleases) {
      if (r.spec.values?.functions?.setNonRootUser !== true)
        out.push(`HelmRelease ${r.metadata.namespace}/${r.metadata.name}: values.functions.setNonRootUser must be true (function pods run as non-root)`);
    }
  }
  return out;
}
