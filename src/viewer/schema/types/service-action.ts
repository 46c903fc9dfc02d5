// ServiceAction: what a service message records ("joined", "changed the title", …).
import type { ServiceAction } from '../../../events/payloads.ts';
import { builder } from '../builder.ts';
import { JsonScalar } from './json.ts';

export const ServiceActionRef = builder.objectRef<ServiceAction>('ServiceAction').implement({
  fields: (t) => ({
    type: t.exposeString('type'),
    details: t.field({ type: JsonScalar, nullable: true, resolve: (a) => a.details ?? null }),
  }),
});
