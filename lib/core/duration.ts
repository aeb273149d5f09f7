/** Go-style duration as Kubernetes controllers take it: `30s`, `5m`, `1h30m`. */
export const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** True when `d` is a Go duration such as `30s`, `5m` or `1h30m`. */
export const isGoDuration = (d: string): boolean => GO_DURATION.test(d);

/** Seconds in a Go duration string. */
export function durationSeconds(d: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of d.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

/** `610` → `10m10s` (a Go duration). */
export function goDurationOf(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${r || (!h && !m) ? `${r}s` : ''}`;
}
