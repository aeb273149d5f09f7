import { Construct } from 'constructs';
import { PingSource as PingSourceL1 } from '../../imports/knative-pingsource-sources.knative.dev';
import { cronProblem } from '../../core/cron';
import { fail } from '../../core/errors';
import { DNS_LABEL_MAX, DNS_1035_LABEL } from '../../core/naming';
import { renderDestination, type Destination } from './destination';

export interface PingSourceProps {
  readonly name: string;
  readonly namespace: string;
  /** Five-field cron (`*\/1 * * * *`), checked with a cron parser. */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default UTC (Knative's default) */
  readonly timezone?: string;
  /** Event payload. @default none */
  readonly data?: string;
  /** Media type of `data`. @default none (Knative sends no content type) */
  readonly contentType?: string;
  /**
   * Where the events go. PingSource itself has no retry settings: send to a Broker when a
   * missed tick matters, so the Trigger's retries and dead letters apply.
   */
  readonly sink: Destination;
}

/** A PingSource (`sources.knative.dev/v1`): a CloudEvent on a cron schedule. */
export class PingSource extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly apiObject: PingSourceL1;

  constructor(scope: Construct, id: string, props: PingSourceProps) {
    super(scope, id);
    const where = `PingSource(${props.namespace}/${props.name})`;
    if (!DNS_1035_LABEL.test(props.name) || props.name.length > DNS_LABEL_MAX)
      fail(`${where}.name`, props.name, `must be a DNS-1123 label of at most ${DNS_LABEL_MAX} characters (Knative copies source names into label values)`);
    const fields = props.schedule.trim().split(/\s+/);
    if (fields.length !== 5) fail(`${where}.schedule`, props.schedule, `must be a 5-field cron expression "min hour day month weekday" (has ${fields.length} fields); use timezone for the zone`);
    const cronError = cronProblem(props.schedule, props.timezone ?? 'UTC');
    if (cronError) fail(`${where}.schedule`, props.schedule, `is not a valid cron expression: ${cronError}`);
    if (props.timezone !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: props.timezone });
      } catch {
        fail(`${where}.timezone`, props.timezone, 'is not an IANA time zone such as "UTC" or "Europe/Berlin"');
      }
    }
    if (props.contentType === 'application/json' && props.data !== undefined) {
      try {
        JSON.parse(props.data);
      } catch {
        fail(`${where}.data`, props.data, 'is not valid JSON, but contentType is "application/json"');
      }
    }
    this.name = props.name;
    this.namespace = props.namespace;
    this.apiObject = new PingSourceL1(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        schedule: props.schedule,
        ...(props.timezone && { timezone: props.timezone }),
        ...(props.contentType && { contentType: props.contentType }),
        ...(props.data !== undefined && { data: props.data }),
        sink: renderDestination(`${where}.sink`, props.sink, props.namespace),
      },
    });
  }
}
