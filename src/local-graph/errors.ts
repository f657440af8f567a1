/**
 * OData error bodies as Graph sends them: `{ "error": { "code", "message", "innerError" } }`
 * with the status and code the real service uses for the same condition, so the gateway's
 * error handling is exercised by exactly what it will meet in a tenant.
 */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** `innerError.code`, where the service behind Graph names the cause more precisely. */
  readonly innerCode: string | undefined;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}, innerCode?: string) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.innerCode = innerCode;
  }
}

export function isGraphError(error: unknown): error is GraphError {
  return error instanceof GraphError;
}

export function errorBody(code: string, message: string, requestId: string, date: Date, innerCode?: string): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: { ...(innerCode ? { code: innerCode } : {}), date: date.toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}

// Exchange (mail, calendar) answers with Error* codes; the directory with Request_*;
// SharePoint with camelCase codes. Each helper names the resource at fault.

export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);
export const invalidRequest = (message: string) => new GraphError(400, 'ErrorInvalidRequest', message);
export const invalidParameter = (message: string) => new GraphError(400, 'ErrorInvalidParameter', message);
export const propertyValidation = (message: string) => new GraphError(400, 'ErrorPropertyValidationFailure', message);
export const requestBodyRead = (message: string) => new GraphError(400, 'RequestBodyRead', message);

export const unknownProperty = (name: string, type: string) =>
  requestBodyRead(`Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`);

export const itemNotFound = () => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/** Directory lookups (`/users/{id}`, manager, directReports). */
export const directoryNotFound = (resource: string) =>
  new GraphError(404, 'Request_ResourceNotFound', `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`);

/** Mailbox lookups (`/users/{id}/events`, calendarView, mailboxSettings…). */
export const invalidUser = (user: string) => new GraphError(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);

export const timeZoneNotSupported = (name: string) =>
  new GraphError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`);

export const timeWindowRequired = () =>
  invalidParameter('This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');

export const spItemNotFound = (message = 'Item not found') => new GraphError(404, 'itemNotFound', message);
export const spInvalidRequest = (message: string) => new GraphError(400, 'invalidRequest', message);
export const spPreconditionFailed = () =>
  new GraphError(412, 'preconditionFailed', 'The request ETag value does not match the object\'s ETag value.');

export const segmentNotFound = (segment: string) => badRequest(`Resource not found for the segment '${segment}'.`);

export const methodNotAllowed = (method: string) =>
  new GraphError(405, 'BadRequest', `The HTTP method '${method}' is not supported for this resource.`);
