// The one Pothos schema builder: relay (Node, global ids, cursor connections), dataloader (batched
// loads, no N+1) and complexity (costs per field; the limits are enforced by a validation rule
// before execution, see limits.ts). Every file in types/ registers one GraphQL type on it.
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import type { ViewerContext } from '../context.ts';
import { decodeGlobalId, encodeGlobalId } from '../ids.ts';

export interface ViewerSchemaTypes {
  Context: ViewerContext;
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string | number };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}

export const builder = new SchemaBuilder<ViewerSchemaTypes>({
  plugins: [RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    nodeQueryOptions: { description: 'Any object by its global id; null when it no longer exists.' },
    nodesQueryOptions: { description: 'Several objects by their global ids.' },
    // A connection field already multiplies its cost by the page size it asks for.
    edgesFieldOptions: { complexity: { field: 0, multiplier: 1 } },
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
  },
});
