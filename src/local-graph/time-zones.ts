/**
 * Time zones as Graph speaks them: `dateTimeTimeZone` values carry a Windows zone name
 * ("GMT Standard Time") or one of the IANA names Graph also accepts ("Europe/London"), and a
 * wall-clock `dateTime` with no offset. Everything here is pure: wall clock ⇄ instant
 * conversions use the platform's tz database through Intl, never the host's zone.
 */

/** Windows zone id → IANA zone (CLDR windowsZones, territory "001"). */
const windowsToIana: Readonly<Record<string, string>> = {
  'Dateline Standard Time': 'Etc/GMT+12',
  'UTC-11': 'Etc/GMT+11',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'Central America Standard Time': 'America/Guatemala',
  'SA Pacific Standard Time': 'America/Bogota',
  'Eastern Standard Time': 'America/New_York',
  'Venezuela Standard Time': 'America/Caracas',
  'Atlantic Standard Time': 'America/Halifax',
  'SA Western Standard Time': 'America/La_Paz',
  'Pacific SA Standard Time': 'America/Santiago',
  'Newfoundland Standard Time': 'America/St_Johns',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires',
  'Azores Standard Time': 'Atlantic/Azores',
  'Cape Verde Standard Time': 'Atlantic/Cape_Verde',
  UTC: 'Etc/UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'Morocco Standard Time': 'Africa/Casablanca',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'GTB Standard Time': 'Europe/Bucharest',
  'FLE Standard Time': 'Europe/Kiev',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Egypt Standard Time': 'Africa/Cairo',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Russian Standard Time': 'Europe/Moscow',
  'Arab Standard Time': 'Asia/Riyadh',
  'Arabian Standard Time': 'Asia/Dubai',
  'Pakistan Standard Time': 'Asia/Karachi',
  'India Standard Time': 'Asia/Kolkata',
  'Sri Lanka Standard Time': 'Asia/Colombo',
  'Nepal Standard Time': 'Asia/Kathmandu',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'Myanmar Standard Time': 'Asia/Yangon',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'North Asia Standard Time': 'Asia/Krasnoyarsk',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'W. Australia Standard Time': 'Australia/Perth',
  'Taipei Standard Time': 'Asia/Taipei',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Fiji Standard Time': 'Pacific/Fiji',
  'Tonga Standard Time': 'Pacific/Tongatapu',
};

const windowsByLowerName = new Map(Object.entries(windowsToIana).map(([name, iana]) => [name.toLowerCase(), { name, iana }]));

export interface TimeZone {
  /** The name as the caller wrote it (Windows names in their canonical spelling), echoed back in responses. */
  name: string;
  iana: string;
}

export const utcZone: TimeZone = { name: 'UTC', iana: 'Etc/UTC' };

const ianaValidity = new Map<string, string | null>();

function canonicalIana(name: string): string | null {
  if (!ianaValidity.has(name)) {
    try {
      ianaValidity.set(name, new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
    } catch {
      ianaValidity.set(name, null);
    }
  }
  return ianaValidity.get(name) ?? null;
}

/** A Windows or IANA zone name Graph would accept, or undefined. Offsets such as "+01:00" are not zone names. */
export function resolveTimeZone(name: string | undefined | null): TimeZone | undefined {
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  const trimmed = name.trim();
  const windows = windowsByLowerName.get(trimmed.toLowerCase());
  if (windows) return windows;
  // IANA names contain a slash (or are UTC/GMT aliases); bare abbreviations like "EST" are not accepted by Graph.
  if (!trimmed.includes('/') && !/^(Etc\/)?(UTC|GMT)$/i.test(trimmed)) return undefined;
  const iana = canonicalIana(trimmed);
  return iana ? { name: trimmed, iana } : undefined;
}

/** `YYYY-MM-DDTHH:mm:ss` wall-clock time with no zone. */
export type LocalDateTime = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(iana: string): Intl.DateTimeFormat {
  let formatter = formatters.get(iana);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(iana, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number, iana: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(iana).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
export function offsetAt(instant: number, iana: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const w = wallClock(whole, iana);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function naiveUtc(local: LocalDateTime): number {
  const m = localPattern.exec(local);
  if (!m) throw new RangeError(`not a local date-time: ${local}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

/**
 * The instant of a wall-clock time in a zone. A time inside a spring-forward gap moves to the
 * hour after, as Outlook does; an ambiguous autumn time resolves to one of its two instants.
 */
export function localToInstant(local: LocalDateTime, iana: string): number {
  const naive = naiveUtc(local);
  const first = naive - offsetAt(naive, iana);
  return naive - offsetAt(first, iana);
}

export function instantToLocal(instant: number, iana: string): LocalDateTime {
  const w = wallClock(instant, iana);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/**
 * Reads a Graph `dateTime` ("2025-03-01T10:00:00", optionally with up to 7 fractional digits).
 * A trailing Z or offset is honoured by converting to the given zone's wall clock, since some
 * clients send them even though the property has its own `timeZone`.
 */
export function parseGraphDateTime(value: unknown, zone: TimeZone): LocalDateTime | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const local = `${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`;
  if (!isValidLocal(local)) return undefined;
  if (!m[5]) return local;
  const offset = m[5] === 'Z' ? 0 : offsetMinutes(m[5]);
  return instantToLocal(naiveUtc(local) - offset * 60_000, zone.iana);
}

function offsetMinutes(text: string): number {
  const digits = text.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

function isValidLocal(local: LocalDateTime): boolean {
  const m = localPattern.exec(local);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/**
 * An ISO 8601 query parameter (calendarView, instances, delta): an offset or Z is honoured, and
 * no offset means UTC, as Graph documents. Returns undefined when unreadable.
 */
export function parseIsoInstant(value: string | undefined | null): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return undefined;
  const local = `${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`;
  if (!isValidLocal(local)) return undefined;
  const fraction = m[5] ? Math.floor(Number(`0${m[5]}`) * 1000) : 0;
  const offset = !m[6] || m[6].toUpperCase() === 'Z' ? 0 : offsetMinutes(m[6]);
  return naiveUtc(local) + fraction - offset * 60_000;
}

/** Graph's wire form of a wall-clock time: seven fractional digits, no offset. */
export function formatGraphDateTime(local: LocalDateTime): string {
  return `${local}.0000000`;
}

/** Graph's form of a UTC timestamp (createdDateTime, lastModifiedDateTime). */
export function formatUtcTimestamp(instant: number): string {
  return new Date(instant).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A `dateTimeTimeZone` for an instant, rendered in the zone the response must use. */
export function toDateTimeTimeZone(instant: number, zone: TimeZone): { dateTime: string; timeZone: string } {
  return { dateTime: formatGraphDateTime(instantToLocal(instant, zone.iana)), timeZone: zone.name };
}

/**
 * The zone a response should use, from `Prefer: outlook.timezone="…"` (UTC when absent or
 * unknown, as Graph falls back).
 */
export function preferredTimeZone(prefer: readonly string[]): TimeZone | undefined {
  for (const entry of prefer) {
    const m = /^outlook\.timezone\s*=\s*"?([^"]+)"?$/i.exec(entry.trim());
    if (m) return resolveTimeZone(m[1]);
  }
  return undefined;
}
