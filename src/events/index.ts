// The domain's vocabulary: what the archive records (event types and payloads), where (stream
// names over typed peer ids) and under which id (deterministic UUIDv5). Everything else depends on
// this folder; it depends on nothing.
export * from './catalogue.ts';
export * from './envelope.ts';
export * from './ids.ts';
export * from './payloads.ts';
export * from './peers.ts';
