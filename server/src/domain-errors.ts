/**
 * Expected failures of the domain: plain errors with a stable code and the details a caller needs.
 * They know no API; the GraphQL layer maps them to what clients get (`graphql/errors.ts`).
 */

/** The codes a client can rely on (GraphQL `extensions.code`). */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Forbidden = 'FORBIDDEN',
  Unauthenticated = 'UNAUTHENTICATED',
}

/** An expected failure: reaches the client as it is, with its code, its details and, where set, an HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the client gets beside the code, such as `field` (the path of the offending input). */
    readonly details: Readonly<Record<string, string>> = {},
    /** Set when the failure refuses the whole request; otherwise the other fields still answer (HTTP 200). */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that cannot be accepted; `field` is the path of the offending input field (`input.name`). */
export class BadUserInputError extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
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
