export * from './autoscaling';
export * from './broker';
export * from './dead-letter-sink';
export {
  renderDestination,
  renderDelivery,
  type KReference,
  type IEventDestination,
  type UriDestination,
  type Destination,
  type RenderedDestination,
  type DeliveryOptions,
  type RenderedDelivery,
} from './destination';
export * from './eventing-install';
export * from './kafka-source';
export * from './knative-service';
export * from './operator-install';
export * from './parallel';
export * from './ping-source';
export * from './sequence';
export * from './serving-install';
export * from './trigger';
