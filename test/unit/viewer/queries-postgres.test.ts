// The GraphQL query suite over a PostgreSQL read model: the viewer's hand-written SQL must hold on
// both engines.
import { afterAll } from '@jest/globals';
import { createTestDatabase, describePostgres } from '../../support/postgres.ts';
import { createViewerWorld } from '../../support/viewer-world.ts';
import { queryTests } from './query-suite.ts';

describePostgres('viewer queries on PostgreSQL', () => {
  let drop: (() => Promise<void>) | undefined;
  queryTests(async () => {
    const db = await createTestDatabase('viewer');
    drop = db.drop;
    return createViewerWorld({ postgresUrl: db.url });
  });
  afterAll(async () => {
    await drop?.();
  });
});
