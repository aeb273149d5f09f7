import { Construct } from 'constructs';
import { KongConsumer } from '../../imports/kong-consumer-configuration.konghq.com';
import { fail } from '../../core/errors';
import { LABELS, MANAGED_BY } from '../common/labels';
import type { RoutePlugin } from './plugins';
import { DNS_SUBDOMAIN } from '../../core/naming';

export interface ApiConsumerProps {
  /** KongConsumer name and Kong username (unique in the gateway). */
  readonly name: string;
  /** Namespace of the consumer; its credential Secrets must be in the same one. */
  readonly namespace: string;
  /**
   * Names of Secrets holding the consumer's credentials, by reference only. Each Secret is
   * labelled `konghq.com/credential=<type>` (`key-auth`: key `key`; `jwt`: `key`,
   * `algorithm`, `secret` or `rsa_public_key`), which is how KIC 3 finds and types it.
   */
  readonly credentialSecrets: readonly string[];
  /** IngressClass of the Kong controller. @default 'kong' */
  readonly ingressClass?: string;
}

/**
 * A gateway consumer (`KongConsumer`): an identity that key-auth/jwt resolve a request to,
 * and that rate limits count per. Credentials stay in Secrets the consumer only names.
 */
export class ApiConsumer extends Construct {
  readonly name: string;
  readonly apiObject: KongConsumer;
  private readonly plugins: string[] = [];

  constructor(scope: Construct, id: string, props: ApiConsumerProps) {
    super(scope, id);
    const where = `ApiConsumer(${props.name})`;
    if (props.credentialSecrets.length === 0) fail(`${where}.credentialSecrets`, [], 'needs at least one credential Secret name');
    for (const s of props.credentialSecrets) if (!DNS_SUBDOMAIN.test(s)) fail(`${where}.credentialSecrets`, s, 'must be Secret names (DNS-1123 subdomains)');
    this.name = props.name;
    this.apiObject = new KongConsumer(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { [LABELS.managedBy]: MANAGED_BY },
        // KIC ignores consumers that do not name its class.
        annotations: { 'kubernetes.io/ingress.class': props.ingressClass ?? 'kong' },
      },
      username: props.name,
      credentials: [...props.credentialSecrets],
    });
  }

  /** Runs a plugin for this consumer only (e.g. its own rate limit), wherever it calls. */
  addPlugin(plugin: RoutePlugin): this {
    if (plugin.apiObject.metadata.namespace !== this.apiObject.metadata.namespace) {
      fail(`ApiConsumer(${this.name}).plugins`, plugin.name, "KongPlugin must be in the consumer's namespace");
    }
    this.plugins.push(plugin.name);
    this.apiObject.metadata.addAnnotation('konghq.com/plugins', this.plugins.join(','));
    return this;
  }
}
