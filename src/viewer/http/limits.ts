// Query cost limits, enforced as a validation rule: an over-deep, over-wide or over-costly operation
// is rejected before any resolver runs. Costs come from the `complexity` of each field (connections
// cost per requested item), computed against the request's own variables.
import { createComplexityRule } from '@pothos/plugin-complexity';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
  /** Total selections in one operation. */
  readonly maxBreadth: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxComplexity: 25_000, maxBreadth: 300 };

export function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onValidate({ addValidationRule, context }) {
      const params = (context as { params?: { variables?: Record<string, unknown>; operationName?: string } })
        .params;
      addValidationRule(
        createComplexityRule({
          context,
          variableValues: params?.variables ?? {},
          operationName: params?.operationName ?? undefined,
          maxDepth: limits.maxDepth,
          maxComplexity: limits.maxComplexity,
          maxBreadth: limits.maxBreadth,
        }),
      );
    },
  };
}
