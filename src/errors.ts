/**
 * The product's error catalog. Every error the product raises on purpose has a stable code
 * so the API, CLI, bot and tab can answer it the same way (HTTP status, exit code, card), and
 * names the field or value at fault so the person who sent it can fix it.
 */
export const errorCodes = {
  INVALID_INPUT: { status: 400, exitCode: 2 },
  UNKNOWN_ORGANISATION: { status: 400, exitCode: 2 },
  UNKNOWN_ROLE: { status: 400, exitCode: 2 },
  UNKNOWN_CASE_CATEGORY: { status: 400, exitCode: 2 },
  LOOSER_THAN_POLICY: { status: 422, exitCode: 2 },
  POLICY_INVALID: { status: 500, exitCode: 1 },
  UNAUTHENTICATED: { status: 401, exitCode: 2 },
  FORBIDDEN: { status: 403, exitCode: 2 },
  NOT_FOUND: { status: 404, exitCode: 2 },
  CONFLICT: { status: 409, exitCode: 1 },
  WORKFLOW: { status: 409, exitCode: 1 },
  NO_FREE_SLOT: { status: 409, exitCode: 1 },
  UPSTREAM: { status: 502, exitCode: 1 },
  CONFIGURATION: { status: 500, exitCode: 2 },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class SupervisionError extends Error {
  readonly code: ErrorCode;
  /** The input field (JSON path or option name) at fault, when there is one. */
  readonly field: string | undefined;
  /** Values a caller may use instead, e.g. the valid role ids. */
  readonly choices: readonly string[] | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; choices?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SupervisionError';
    this.code = code;
    this.field = options.field;
    this.choices = options.choices;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  get exitCode(): number {
    return errorCodes[this.code].exitCode;
  }
}

export function invalidInput(field: string, message: string, choices?: readonly string[]): SupervisionError {
  return new SupervisionError('INVALID_INPUT', `${field}: ${message}`, choices ? { field, choices } : { field });
}

export function isSupervisionError(error: unknown): error is SupervisionError {
  return error instanceof SupervisionError;
}
