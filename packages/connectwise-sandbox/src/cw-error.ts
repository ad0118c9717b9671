/** One entry of `errors[]` in ConnectWise's error body (the OpenAPI `ValidationError`). */
export interface CwValidationError {
  code: string;
  message: string;
  resource: string;
  field: string;
  details?: string;
}

/** An expected API failure, answered as `{code, message, errors}` (the OpenAPI `ErrorResponseMessage`). */
export class CwError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: CwValidationError[] | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { code: string; message: string; errors: CwValidationError[] | null } {
    return { code: this.code, message: this.message, errors: this.errors };
  }
}

/** 400 InvalidObject with one field error, the shape ConnectWise uses for validation failures. */
export function invalidObject(resource: string, field: string, code: string, message: string): CwError {
  return new CwError(400, 'InvalidObject', `${resource} object is invalid`, [
    { code, message, resource, field },
  ]);
}

export function notFound(resource: string, id: number | string): CwError {
  return new CwError(404, 'NotFound', `${resource} recId ${String(id)} not found`);
}

export const conditionsHelp =
  'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square brackets; numbers should consist of only digits, and optionally a decimal point and a negation sign; boolean values should be indicated with the keywords true or false; null values should be indicated by the keyword null.';

export function badConditions(detail: string): CwError {
  return new CwError(400, 'InvalidObject', `${detail} ${conditionsHelp}`);
}
