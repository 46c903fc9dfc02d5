// Typed GraphQL errors: what a client did wrong, said precisely, with a machine-readable code.
// Everything else is unexpected and is masked (see maskViewerError) so no internals leak out.
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';

export type ViewerErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'INTERNAL_SERVER_ERROR';

export class ViewerInputError extends GraphQLError {
  constructor(message: string, detail: Readonly<Record<string, unknown>> = {}) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...detail } });
    this.name = 'ViewerInputError';
  }
}

export class ViewerNotFoundError extends GraphQLError {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist in the archive`, { extensions: { code: 'NOT_FOUND', id } });
    this.name = 'ViewerNotFoundError';
  }
}

/**
 * Yoga's maskError hook. Our typed errors pass with their code, Pothos' argument validation
 * (page sizes, global ids) becomes BAD_USER_INPUT, GraphQL's own syntax and validation errors pass
 * as they are; anything else becomes a plain "Unexpected error" whose details are only logged.
 */
export function maskViewerError(
  error: unknown,
  message: string,
  onUnexpected: (error: unknown) => string | undefined,
): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
  if (error instanceof GraphQLError) {
    const cause = original ?? error;
    if (cause instanceof ViewerInputError || cause instanceof ViewerNotFoundError) {
      return relocate(error, cause.message, cause.extensions);
    }
    if (cause instanceof PothosValidationError) {
      return relocate(error, cause.message, { ...cause.extensions, code: 'BAD_USER_INPUT' });
    }
    // Parse and validation errors carry no original error: the client's fault, already coded.
    if (original === undefined) return error;
    // A GraphQLError raised on purpose (a scalar rejecting a literal): keep its words and code.
    if (original instanceof GraphQLError && !(original.originalError ?? undefined)) {
      const text =
        error.message === original.message ? error.message : `${error.message} ${original.message}`;
      return relocate(error, text, {
        ...error.extensions,
        ...original.extensions,
        code: original.extensions.code ?? error.extensions.code ?? 'BAD_USER_INPUT',
      });
    }
  }
  const reference = onUnexpected(original ?? error);
  return new GraphQLError(message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(reference ? { reference } : {}) },
  });
}

function relocate(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}
