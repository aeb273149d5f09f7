import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Stands in for the Knative Operator, which this control plane does not run: some seconds after
 * a KnativeServing or KnativeEventing appears it reports it Ready (condition Ready=True, the
 * object's generation observed), as the operator does once Serving's or Eventing's CRDs and
 * webhooks are in. A shell loop around kubectl, started and stopped by its PID.
 */
export class StandInOperator {
  private constructor(
    private readonly child: ChildProcess,
    private readonly state: string,
  ) {}

  static start(kubectl: string, kubeconfig: string, delaySeconds = 5): StandInOperator {
    const script = `
      k() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
      declare -A seen
      while true; do
        for kind in knativeservings.operator.knative.dev knativeeventings.operator.knative.dev; do
          k get "$kind" -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}/{.metadata.generation}{"\\n"}{end}' 2>/dev/null |
          while IFS=/ read -r ns name gen; do
            [ -n "$name" ] || continue
            key="$kind/$ns/$name"
            first=$(cat "$STATE/$(echo "$key" | tr / _)" 2>/dev/null || { date +%s > "$STATE/$(echo "$key" | tr / _)"; date +%s; })
            [ $(( $(date +%s) - first )) -ge "$DELAY" ] || continue
            [ "$(k get "$kind" "$name" -n "$ns" -o jsonpath='{.status.observedGeneration}' 2>/dev/null)" = "$gen" ] && continue
            now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
            k patch "$kind" "$name" -n "$ns" --subresource=status --type=merge \\
              -p "{\\"status\\":{\\"observedGeneration\\":$gen,\\"conditions\\":[{\\"type\\":\\"Ready\\",\\"status\\":\\"True\\",\\"lastTransitionTime\\":\\"$now\\"}]}}" >/dev/null 2>&1 || true
          done
        done
        sleep 1
      done`;
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-operator-'));
    const child = spawn('bash', ['-c', script], { stdio: 'ignore', env: { ...process.env, KUBECTL: kubectl, KUBECONFIG_FILE: kubeconfig, DELAY: String(delaySeconds), STATE: state } });
    return new StandInOperator(child, state);
  }

  stop(): void {
    if (this.child.pid && this.child.exitCode === null) this.child.kill();
    fs.rmSync(this.state, { recursive: true, force: true });
  }
}
