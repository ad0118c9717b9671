/** A request the API rejects with HTTP 500 `{"errors":[message]}` — how Autotask reports bad queries. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status = 500,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function unknownField(field: string, singular: string): ApiError {
  return new ApiError(`Unable to find ${field} in the ${singular} Entity`);
}
