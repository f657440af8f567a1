/**
 * The Agents SDK `Storage` over an Azure Blob Storage container, for tenant mode with more
 * than one server replica. (The SDK's own blob package is not published for the hosting
 * version pinned here; see docs/bot-storage.md.) One blob per key, its JSON the item without
 * the eTag, the blob's ETag the item's eTag.
 *
 * Concurrency is the storage's, not ours, so two replicas never overwrite each other:
 * a write naming an eTag is a PUT with `If-Match`; when that fails because the blob is gone
 * (deleted since it was read) the item is created with `If-None-Match: *`, which fails if
 * another replica created it meanwhile. "*" or no eTag writes unconditionally, as MemoryStorage
 * and SqliteStorage do. Unlike SqliteStorage a batch is not atomic: each key is its own blob,
 * as in the SDK's blob storage.
 */
import type { Storage, StoreItem } from '@microsoft/agents-hosting';
import { ContainerClient, RestError, type BlockBlobClient } from '@azure/storage-blob';
import { SupervisionError } from '../src/errors.js';

type StoredValue = Record<string, unknown>;

/** Where the container is: a container URL carrying a SAS, or a connection string plus a name. */
export type BlobLocation = { containerUrl: string } | { connectionString: string; container: string };

const jsonType = 'application/json; charset=utf-8';

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

function conflict(key: string, cause?: unknown): SupervisionError {
  return new SupervisionError('CONFLICT', `storage item "${key}" was changed by another turn (eTag mismatch)`, { field: 'eTag', ...(cause ? { cause } : {}) });
}

function upstream(what: string, error: unknown): SupervisionError {
  const status = statusOf(error);
  // The message names the operation and status only: blob errors can echo URLs with a SAS.
  return new SupervisionError('UPSTREAM', `blob storage ${what} failed${status ? ` (HTTP ${status})` : ''}`, { field: 'BOT_STORAGE', cause: error });
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export class BlobStorage implements Storage {
  private readonly container: ContainerClient;
  private ready: Promise<void> | undefined;

  /** `maxTries` bounds the SDK's own retries of throttled or failed requests (default 4). */
  constructor(location: BlobLocation, options: { maxTries?: number } = {}) {
    const pipeline = options.maxTries ? { retryOptions: { maxTries: options.maxTries } } : {};
    this.container = 'containerUrl' in location ? new ContainerClient(location.containerUrl, undefined, pipeline) : new ContainerClient(location.connectionString, location.container, pipeline);
  }

  /** Creates the container on first use; a SAS limited to the container may not, so it must exist then. */
  private ensureContainer(): Promise<void> {
    this.ready ??= this.container
      .createIfNotExists()
      .then(() => undefined)
      .catch((error: unknown) => {
        // 403: a container-scoped SAS cannot create containers; the container is then expected to exist.
        if (statusOf(error) === 403) return;
        this.ready = undefined;
        throw upstream('container check', error);
      });
    return this.ready;
  }

  /** Keys may hold any characters (`/`, `:`, `|`); blob names are kept flat and URL-safe. */
  private blob(key: string): BlockBlobClient {
    return this.container.getBlockBlobClient(encodeURIComponent(key));
  }

  async read(keys: string[]): Promise<StoreItem> {
    if (!Array.isArray(keys) || keys.length === 0) throw new SupervisionError('INVALID_INPUT', 'storage read needs at least one key', { field: 'keys' });
    await this.ensureContainer();
    const items: StoreItem = {};
    await Promise.all(
      [...new Set(keys)].map(async (key) => {
        try {
          const response = await this.blob(key).download(0);
          const value = JSON.parse(await readAll(response.readableStreamBody)) as StoredValue;
          items[key] = { ...value, eTag: response.etag };
        } catch (error) {
          if (statusOf(error) === 404) return;
          throw upstream('read', error);
        }
      }),
    );
    return items;
  }

  async write(changes: StoreItem): Promise<void> {
    const entries = changes && typeof changes === 'object' ? Object.entries(changes as Record<string, StoredValue | undefined>) : [];
    if (entries.length === 0) throw new SupervisionError('INVALID_INPUT', 'storage write needs at least one change', { field: 'changes' });
    await this.ensureContainer();
    await Promise.all(entries.map(([key, item]) => this.writeOne(key, item ?? {})));
  }

  private async writeOne(key: string, item: StoredValue): Promise<void> {
    const { eTag, ...value } = item;
    const body = JSON.stringify(value);
    const blob = this.blob(key);
    const put = (conditions: { ifMatch?: string; ifNoneMatch?: string }) => blob.upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: jsonType }, conditions });
    if (typeof eTag !== 'string' || eTag === '*') {
      try {
        await put({});
      } catch (error) {
        throw upstream('write', error);
      }
      return;
    }
    try {
      await put({ ifMatch: eTag });
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status !== 412 && status !== 404) throw upstream('write', error);
      if (await blob.exists().catch((e: unknown) => Promise.reject(upstream('read', e)))) throw conflict(key, error);
    }
    // Gone since it was read: recreate it, unless another writer got there first.
    try {
      await put({ ifNoneMatch: '*' });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) throw conflict(key, error);
      throw upstream('write', error);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys) || keys.length === 0) return;
    await this.ensureContainer();
    await Promise.all(
      [...new Set(keys)].map(async (key) => {
        try {
          await this.blob(key).deleteIfExists();
        } catch (error) {
          throw upstream('delete', error);
        }
      }),
    );
  }
}
