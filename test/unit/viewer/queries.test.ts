// The GraphQL query suite over a SQLite read model.
import { createViewerWorld } from '../../support/viewer-world.ts';
import { queryTests } from './query-suite.ts';

queryTests(() => createViewerWorld());
