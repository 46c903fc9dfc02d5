// Query cost limits, enforced as a validation rule: an over-deep, over-wide or over-costly operation
// is rejected before any resolver runs. Costs come from the `complexity` of each field (connections
// cost per requested item), computed against the request's own variables.
import { createComplexityRule } from '@pothos/plugin-complexity';
import type { ValidationContext, ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const LIMIT_CODES = new Set(['QUERY_COMPLEXITY', 'QUERY_DEPTH', 'QUERY_BREADTH']);

/**
 * While measuring, the complexity rule also trips over unknown fields, bad variables and bad
 * literals (it may even throw on them). GraphQL's own rules report those precisely, so only the
 * limit errors are let through: no duplicates, and no exception that would skip validation.
 */
function onlyLimitErrors(rule: ValidationRule): ValidationRule {
  return (context) => {
    const filtered = new Proxy(context, {
      get(target, property, receiver) {
        if (property === 'reportError') {
          return (error: Parameters<ValidationContext['reportError']>[0]) => {
            if (LIMIT_CODES.has(String(error.extensions?.code))) target.reportError(error);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return guardVisitor(rule(filtered));
  };
}

function guardVisitor<V>(visitor: V): V {
  if (typeof visitor === 'function') {
    return ((...args: unknown[]) => {
      try {
        return (visitor as (...a: unknown[]) => unknown)(...args);
      } catch {
        return undefined;
      }
    }) as V;
  }
  if (visitor === null || typeof visitor !== 'object') return visitor;
  return Object.fromEntries(Object.entries(visitor).map(([key, value]) => [key, guardVisitor(value)])) as V;
}

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
        onlyLimitErrors(
          createComplexityRule({
            context,
            variableValues: params?.variables ?? {},
            operationName: params?.operationName ?? undefined,
            maxDepth: limits.maxDepth,
            maxComplexity: limits.maxComplexity,
            maxBreadth: limits.maxBreadth,
          }),
        ),
      );
    },
  };
}
