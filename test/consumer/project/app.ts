// A cluster-only project: imports the constructs through `hybrid-serverless/k8s` and
// synthesizes one chart. test/consumer/consumer.test.ts installs the packed package next to
// it without any @pulumi/* module, type-checks it with its own tsconfig and runs it.
import { App, Chart } from 'cdk8s';
import { Broker, DeadLetterSink, KnativeService, Trigger } from 'hybrid-serverless/k8s';

const app = new App();
const chart = new Chart(app, 'shop');
const checkout = new KnativeService(chart, 'checkout', {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout:1.4.0',
  env: { LOG_LEVEL: 'info' },
});
const deadLetters = new DeadLetterSink(chart, 'dead-letters', { namespace: 'shop' });
const broker = new Broker(chart, 'orders', { name: 'orders', namespace: 'shop', delivery: { deadLetterSink: deadLetters } });
new Trigger(chart, 'order-placed', { name: 'order-placed', broker, filter: { type: 'acme.order.placed' }, subscriber: checkout, delivery: { deadLetterSink: deadLetters } });

const loaded = Object.keys(require.cache).map((file) => file.replace(/\\/g, '/'));
process.stdout.write(JSON.stringify({ objects: chart.toJson(), loaded }));
