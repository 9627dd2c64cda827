import { DeeplineError } from '../tensor/errors.js';

/**
 * Errors a client can be told about, each with the HTTP status TF Serving's REST API gives the
 * matching gRPC code (INVALID_ARGUMENT 400, NOT_FOUND 404, RESOURCE_EXHAUSTED 429,
 * UNAVAILABLE 503, DEADLINE_EXCEEDED 504). Anything else is a 500 with no detail.
 */
export class ServingError extends DeeplineError {
  override name = 'ServingError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class InvalidArgumentError extends ServingError {
  override name = 'InvalidArgumentError';
  constructor(message: string) {
    super(message, 400);
  }
}

export class NotFoundError extends ServingError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(message, 404);
  }
}

export class OverloadedError extends ServingError {
  override name = 'OverloadedError';
  constructor(message: string) {
    super(message, 429);
  }
}

export class UnavailableError extends ServingError {
  override name = 'UnavailableError';
  constructor(message: string) {
    super(message, 503);
  }
}

export class DeadlineError extends ServingError {
  override name = 'DeadlineError';
  constructor(message: string) {
    super(message, 504);
  }
}
