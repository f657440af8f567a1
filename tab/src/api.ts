/**
 * The tab's only way to data: /api, with the caller's identity (SSO token when hosted, the
 * dev identity picker's choice in local mode). Errors arrive in the API's one shape and are
 * thrown as ApiError so views can show the message and the field.
 */
import type { ErrorResponse } from '../../src/server/api/schemas.js';
import { consentForToken } from './consent.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get conflict(): boolean {
    return this.status === 409 && this.code === 'CONFLICT';
  }
}

export interface Credentials {
  devUser?: string;
  getToken?: () => Promise<string>;
  /** Asks the user to consent; default, for a token, the hosted tab's prompt (consent.ts). */
  consent?: () => Promise<void>;
}

let credentials: Credentials = {};

export function setCredentials(next: Credentials): void {
  credentials = next;
}

export function currentDevUser(): string | undefined {
  return credentials.devUser;
}

async function headers(body: boolean): Promise<Record<string, string>> {
  const result: Record<string, string> = { accept: 'application/json' };
  if (body) result['content-type'] = 'application/json';
  if (credentials.getToken) result.authorization = `Bearer ${await credentials.getToken()}`;
  else if (credentials.devUser) result['x-dev-user'] = credentials.devUser;
  return result;
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as ErrorResponse;
    return new ApiError(res.status, body.error.code, body.error.message, body.error.field);
  } catch {
    return new ApiError(res.status, 'INTERNAL', `The server answered ${res.status}.`);
  }
}

function consentPrompt(): (() => Promise<void>) | undefined {
  return credentials.consent ?? (credentials.getToken ? consentForToken(credentials.getToken) : undefined);
}

/**
 * Sends a request; when the server says consent is missing (403 CONSENT_REQUIRED), asks the
 * user once and sends it again. A second refusal, or a declined prompt, reaches the view.
 */
async function send(path: string, init: () => Promise<RequestInit>): Promise<Response> {
  const attempt = async () => {
    try {
      return await fetch(`/api${path}`, await init());
    } catch {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection; nothing you typed is lost.');
    }
  };
  const res = await attempt();
  if (res.ok) return res;
  const error = await toError(res);
  const consent = error.status === 403 && error.code === 'CONSENT_REQUIRED' ? consentPrompt() : undefined;
  if (!consent) throw error;
  try {
    await consent();
  } catch {
    throw error;
  }
  const retried = await attempt();
  if (!retried.ok) throw await toError(retried);
  return retried;
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const res = await send(path, async () => ({ method, headers: await headers(body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }));
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  /** Downloads a file from the API (with credentials) and saves it under `filename`. */
  async download(path: string, filename: string): Promise<void> {
    const res = await send(path, async () => ({ headers: await headers(false) }));
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
