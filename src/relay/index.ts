// Kafka: the relay publishes the event log to a topic (in global order, from a checkpoint kept next
// to the log, at least once, keyed by stream), and the source reads that topic back into a sink
// such as the read model. kafkajs stays behind kafka-client.ts; everything else sees small interfaces.
export * from './checkpoint/index.ts';
export { createKafkaClient, type KafkaClientLike, type KafkaConnection } from './kafka-client.ts';
export {
  describeKafkaError,
  fatalKafkaError,
  KafkaFatalError,
  KafkaTopicMissingError,
} from './kafka-errors.ts';
export {
  envelopeOf,
  fromKafkaMessage,
  HEADERS,
  MalformedEventMessageError,
  toKafkaMessage,
} from './message.ts';
export { KafkaPublisher, type Publisher, type TopicSettings } from './publisher.ts';
export {
  type RelayOptions,
  type RelayOutcome,
  type RelayStatus,
  RelayStoppedError,
  runRelay,
} from './relay.ts';
export { type KafkaSink, KafkaSourceStoppedError, runKafkaSource, type SinkBatch } from './source.ts';
