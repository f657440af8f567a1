/**
 * Structured logging that cannot carry personal data: a log line is an event name plus
 * fields whose values are numbers, booleans, or strings that look like opaque identifiers
 * (ids, codes, routes, statuses). Anything else is replaced by "[redacted]", so a person's
 * name or a record's text can never reach the logs, even by mistake.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;

export interface Logger {
  debug(event: string, fields?: Record<string, LogValue>): void;
  info(event: string, fields?: Record<string, LogValue>): void;
  warn(event: string, fields?: Record<string, LogValue>): void;
  error(event: string, fields?: Record<string, LogValue>): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Ids, GUIDs, kebab/snake codes, HTTP routes with placeholders, ISO timestamps, statuses.
const opaque = /^[A-Za-z0-9_.:/\-{}=?&@+]*$/;

function safe(value: LogValue): LogValue {
  if (typeof value !== 'string') return value;
  if (value.length > 200) return '[redacted]';
  // Email addresses and UPNs identify people.
  if (value.includes('@') && /[A-Za-z]@[A-Za-z]/.test(value)) return '[redacted]';
  return opaque.test(value) ? value : '[redacted]';
}

export function createLogger(options: { level?: LogLevel; sink?: (line: string) => void } = {}): Logger {
  const threshold = order[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const write = (level: LogLevel, event: string, fields: Record<string, LogValue> = {}) => {
    if (order[level] < threshold) return;
    const entry: Record<string, LogValue> = { time: new Date().toISOString(), level, event: safe(event) as string };
    for (const [key, value] of Object.entries(fields)) entry[key] = safe(value);
    sink(JSON.stringify(entry));
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
