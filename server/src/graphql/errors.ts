import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';

/** The error codes a client can rely on (`extensions.code`). */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Forbidden = 'FORBIDDEN',
  Unauthenticated = 'UNAUTHENTICATED',
  Internal = 'INTERNAL_SERVER_ERROR',
}

/** An expected failure: reaches the client as it is, with its code and HTTP status. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}, httpStatus?: number) {
    super(message, { extensions: { code, ...extra, ...(httpStatus ? { http: { status: httpStatus } } : {}) } });
  }

  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

/** Input that cannot be accepted; `field` is the path of the offending input field (`input.name`). */
export class BadUserInputError extends DomainError {
  constructor(field: string, message: string) {
    super(ErrorCode.BadUserInput, `${field}: ${message}`, { field });
  }
}

export class NotFoundError extends DomainError {
  constructor(type: string, id: string, field?: string) {
    super(ErrorCode.NotFound, `${type} ${JSON.stringify(id)} does not exist`, { type, id, ...(field ? { field } : {}) });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, field?: string) {
    super(ErrorCode.Conflict, message, field ? { field } : {});
  }
}

/** A field the caller's role does not grant; other fields of the same request still answer (HTTP 200). */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, message);
  }
}

/** No valid token: the whole request is refused (HTTP 401). */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'a valid API token is required (Authorization: Bearer <token>)') {
    super(ErrorCode.Unauthenticated, message, {}, 401);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** Expected errors pass as they are; anything else is logged with a reference and masked. */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (isDomainError(original)) {
      const { http: _http, ...extensions } = original.extensions;
      return { ...formatted, message: original.message, extensions };
    }
    const code = formatted.extensions?.code;
    if (code && code !== ErrorCode.Internal) return formatted; // GraphQL validation, parse and variable errors
    const ref = crypto.randomUUID();
    log.error({ err: original, ref, path: formatted.path }, 'unexpected error');
    return {
      message: `Internal server error (ref ${ref})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.Internal, ref },
    };
  };
}
