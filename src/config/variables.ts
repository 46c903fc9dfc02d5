// The one table of every environment variable: name, default, parser, documentation. The loader,
// `config check`, `config example` (.env.example) and the README table are all derived from it.
import { type Parser, parsers as p } from './parsers.ts';

export interface Variable<T = unknown> {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  /** Default as written in .env (empty: unset). `{DATA_DIR}` is replaced by the resolved data dir. */
  readonly defaultText: string;
  readonly parse: Parser<T>;
  readonly secret?: boolean;
}

const v = <T>(variable: Variable<T>): Variable<T> => variable;

export const variables = {
  telegramApiId: v({
    name: 'TELEGRAM_API_ID',
    group: 'Telegram',
    description: 'API id from https://my.telegram.org (needed by auth, listen, backfill, run)',
    defaultText: '',
    parse: p.optional(p.integer({ min: 1 })),
  }),
  telegramApiHash: v({
    name: 'TELEGRAM_API_HASH',
    group: 'Telegram',
    description: 'API hash from https://my.telegram.org (32 hex characters)',
    defaultText: '',
    parse: p.optional(p.pattern(/^[0-9a-f]{32}$/i, '32 hexadecimal characters')),
    secret: true,
  }),
  telegramPhone: v({
    name: 'TELEGRAM_PHONE',
    group: 'Telegram',
    description: 'Phone number for non-interactive login, international format (+4912345678)',
    defaultText: '',
    parse: p.optional(p.pattern(/^\+[1-9][0-9]{6,14}$/, 'an international number like +4912345678')),
    secret: true,
  }),
  telegramPassword: v({
    name: 'TELEGRAM_PASSWORD',
    group: 'Telegram',
    description: 'Two-step verification password for non-interactive login',
    defaultText: '',
    parse: p.optional(p.text()),
    secret: true,
  }),
  telegramProxy: v({
    name: 'TELEGRAM_PROXY',
    group: 'Telegram',
    description: 'SOCKS proxy, socks5://user:pass@host:port (socks4 also accepted)',
    defaultText: '',
    parse: p.optional(p.url(['socks4:', 'socks5:'])),
    secret: true,
  }),
  telegramTestServer: v({
    name: 'TELEGRAM_TEST_SERVER',
    group: 'Telegram',
    description:
      'Testing only: host:port of a fake Telegram server; every connection goes there instead of Telegram',
    defaultText: '',
    parse: p.optional(p.pattern(/^[^\s:]+:\d{1,5}$/, 'host:port')),
  }),
  dataDir: v({
    name: 'DATA_DIR',
    group: 'Storage',
    description: 'Where the SQLite event log, read model and media files live',
    defaultText: './data',
    parse: p.path(),
  }),
  sessionDir: v({
    name: 'SESSION_DIR',
    group: 'Storage',
    description: 'Where the Telegram session is kept (file mode 0600)',
    defaultText: '{DATA_DIR}/session',
    parse: p.path(),
  }),
  eventStore: v({
    name: 'EVENT_STORE',
    group: 'Storage',
    description: 'Event store: sqlite (embedded), postgres or eventstoredb',
    defaultText: 'sqlite',
    parse: p.oneOf(['sqlite', 'postgres', 'eventstoredb'] as const),
  }),
  eventStoreUrl: v({
    name: 'EVENT_STORE_URL',
    group: 'Storage',
    description:
      'Event store location: a file path for sqlite, postgres://… or esdb://… (sqlite default: {DATA_DIR}/events.sqlite)',
    defaultText: '',
    parse: p.optional(p.text()),
    secret: true,
  }),
  readModel: v({
    name: 'READ_MODEL',
    group: 'Storage',
    description: 'Read model database: sqlite (embedded) or postgres',
    defaultText: 'sqlite',
    parse: p.oneOf(['sqlite', 'postgres'] as const),
  }),
  readModelUrl: v({
    name: 'READ_MODEL_URL',
    group: 'Storage',
    description:
      'Read model location: a directory for sqlite, postgres://… (sqlite default: {DATA_DIR}/read-model)',
    defaultText: '',
    parse: p.optional(p.text()),
    secret: true,
  }),
  schedule: v({
    name: 'SCHEDULE',
    group: 'Backfill',
    description: 'Cron expression for scheduled backfill in listen/run mode',
    defaultText: '0 */6 * * *',
    parse: p.cron(),
  }),
  requestsPerSecond: v({
    name: 'REQUESTS_PER_SECOND',
    group: 'Backfill',
    description: 'Global Telegram request budget, requests per second',
    defaultText: '5',
    // Telegram answers an eager client with FLOOD_WAIT, which the pacer obeys, so the ceiling only
    // catches typos; a fast local server (or a generous account) may use all of it.
    parse: p.number({ min: 0.1, max: 1000 }),
  }),
  maxFloodWaitSeconds: v({
    name: 'MAX_FLOOD_WAIT_SECONDS',
    group: 'Backfill',
    description: "A FLOOD_WAIT longer than this ends that chat's run; the next run resumes there",
    defaultText: '900',
    parse: p.integer({ min: 1 }),
  }),
  chatsInclude: v({
    name: 'CHATS_INCLUDE',
    group: 'Chat filters',
    description: 'Comma-separated chat ids to archive (empty: all chats)',
    defaultText: '',
    parse: p.list(p.chatId()),
  }),
  chatsExclude: v({
    name: 'CHATS_EXCLUDE',
    group: 'Chat filters',
    description: 'Comma-separated chat ids never to archive',
    defaultText: '',
    parse: p.list(p.chatId()),
  }),
  chatTypes: v({
    name: 'CHAT_TYPES',
    group: 'Chat filters',
    description: 'Chat types to archive: private, groups, channels, bots',
    defaultText: 'private,groups,channels,bots',
    parse: p.list(p.oneOf(['private', 'groups', 'channels', 'bots'] as const)),
  }),
  mediaTypes: v({
    name: 'MEDIA_TYPES',
    group: 'Media',
    description:
      'Media kinds to download: photo, video, document, voice, audio, sticker, animation, round (empty: none)',
    defaultText: 'photo,video,document,voice,audio,sticker,animation,round',
    parse: p.list(
      p.oneOf(['photo', 'video', 'document', 'voice', 'audio', 'sticker', 'animation', 'round'] as const),
    ),
  }),
  maxMediaSizeMb: v({
    name: 'MAX_MEDIA_SIZE_MB',
    group: 'Media',
    description: 'Larger files are recorded as MediaSkipped instead of downloaded',
    defaultText: '100',
    parse: p.number({ min: 0 }),
  }),
  mediaExcludeChats: v({
    name: 'MEDIA_EXCLUDE_CHATS',
    group: 'Media',
    description: 'Comma-separated chat ids whose media is never downloaded',
    defaultText: '',
    parse: p.list(p.chatId()),
  }),
  viewerHost: v({
    name: 'VIEWER_HOST',
    group: 'Viewer',
    description: 'Address the GraphQL viewer binds to; beyond loopback it requires auth',
    defaultText: '127.0.0.1',
    parse: p.text(),
  }),
  viewerPort: v({
    name: 'VIEWER_PORT',
    group: 'Viewer',
    description: 'Port of the GraphQL viewer',
    defaultText: '8080',
    parse: p.integer({ min: 0, max: 65535 }),
  }),
  viewerToken: v({
    name: 'VIEWER_TOKEN',
    group: 'Viewer',
    description: 'Bearer token required by the viewer (Authorization: Bearer …)',
    defaultText: '',
    parse: p.optional(p.text({ minLength: 16 })),
    secret: true,
  }),
  viewerBasicAuth: v({
    name: 'VIEWER_BASIC_AUTH',
    group: 'Viewer',
    description: 'Basic auth for the viewer as user:password',
    defaultText: '',
    parse: p.optional(p.pattern(/^[^:]+:.{8,}$/, 'user:password with a password of 8+ characters')),
    secret: true,
  }),
  allowAnonymousViewer: v({
    name: 'ALLOW_ANONYMOUS_VIEWER',
    group: 'Viewer',
    description: 'Allow a viewer without auth on a non-loopback address',
    defaultText: 'false',
    parse: p.boolean(),
  }),
  viewerCorsOrigins: v({
    name: 'VIEWER_CORS_ORIGINS',
    group: 'Viewer',
    description: 'Comma-separated origins allowed by CORS (empty: same origin only)',
    defaultText: '',
    parse: p.list(p.text()),
  }),
  kafkaBrokers: v({
    name: 'KAFKA_BROKERS',
    group: 'Kafka',
    description: 'Comma-separated host:port list for the relay (empty: relay disabled)',
    defaultText: '',
    parse: p.list(p.pattern(/^[^\s:]+:\d{1,5}$/, 'host:port')),
  }),
  kafkaTopic: v({
    name: 'KAFKA_TOPIC',
    group: 'Kafka',
    description: 'Topic the relay publishes every event to',
    defaultText: 'telegram-archive.events',
    parse: p.pattern(/^[a-zA-Z0-9._-]{1,249}$/, 'a Kafka topic name'),
  }),
  kafkaClientId: v({
    name: 'KAFKA_CLIENT_ID',
    group: 'Kafka',
    description: 'Client id the relay and consumers use',
    defaultText: 'telegram-archive',
    parse: p.text(),
  }),
  kafkaCreateTopic: v({
    name: 'KAFKA_CREATE_TOPIC',
    group: 'Kafka',
    description: 'Create the topic at start when it is missing',
    defaultText: 'false',
    parse: p.boolean(),
  }),
  kafkaPartitions: v({
    name: 'KAFKA_PARTITIONS',
    group: 'Kafka',
    description: 'Partitions for a topic created by the relay',
    defaultText: '6',
    parse: p.integer({ min: 1 }),
  }),
  kafkaReplicationFactor: v({
    name: 'KAFKA_REPLICATION_FACTOR',
    group: 'Kafka',
    description: 'Replication factor for a topic created by the relay',
    defaultText: '1',
    parse: p.integer({ min: 1 }),
  }),
  logLevel: v({
    name: 'LOG_LEVEL',
    group: 'Logging',
    description: 'trace, debug, info, warn, error or fatal; message text is logged at debug and below only',
    defaultText: 'info',
    parse: p.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const),
  }),
} as const;

export type Variables = typeof variables;
export type VariableKey = keyof Variables;
