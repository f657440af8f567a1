/**
 * One Storage contract, as the Agents SDK's MemoryStorage implements it, run against every
 * storage the bot can be configured with: SQLite (local mode) and Azure Blob (tenant mode,
 * against Azurite). Missing keys are absent from reads, each write issues a new eTag, a
 * stale eTag conflicts, "*" or no eTag writes unconditionally, and a second instance over
 * the same data (a restart, or another server replica) sees and respects the first's writes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient, ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import { MemoryStorage, type Storage } from '@microsoft/agents-hosting';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { botConfigFrom } from '../../bot/agent.js';
import { BlobStorage } from '../../bot/blob-storage.js';
import { SqliteStorage } from '../../bot/sqlite-storage.js';
import { openStorage } from '../../bot/storage.js';
import { loadConfig } from '../../src/server/config.js';
import { startAzurite, type Azurite } from './support/azurite.js';

/** Opens instances over one fresh store; each call is another process or replica over it. */
interface Backend {
  open(): Storage;
  cleanup(): void;
}

let azurite: Azurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.close();
});

const backends: Record<string, () => Backend> = {
  SqliteStorage: () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-storage-'));
    const opened: SqliteStorage[] = [];
    return {
      open: () => {
        const storage = new SqliteStorage(join(dir, 'state.sqlite'));
        opened.push(storage);
        return storage;
      },
      cleanup: () => {
        for (const s of opened.splice(0)) s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  BlobStorage: () => {
    const container = `bot-${randomUUID()}`;
    return { open: () => new BlobStorage({ connectionString: azurite.connectionString, container }), cleanup: () => undefined };
  },
};

describe.each(Object.keys(backends))('%s', (name) => {
  let backend: Backend;

  beforeEach(() => {
    backend = backends[name]!();
  });

  afterEach(() => {
    backend.cleanup();
  });

  it('behaves as the SDK MemoryStorage does', async () => {
    for (const storage of [new MemoryStorage(), backend.open()]) {
      expect(await storage.read(['missing'])).toEqual({});
      await storage.write({ a: { count: 1 }, b: { name: 'two' } });
      const first = await storage.read(['a', 'b', 'missing']);
      expect(Object.keys(first).sort()).toEqual(['a', 'b']);
      expect(first.a).toMatchObject({ count: 1, eTag: expect.any(String) });
      const eTag = first.a.eTag as string;

      await storage.write({ a: { count: 2, eTag } });
      const second = await storage.read(['a']);
      expect(second.a.count).toBe(2);
      expect(second.a.eTag).not.toBe(eTag);

      await expect(storage.write({ a: { count: 3, eTag } })).rejects.toThrow();
      expect((await storage.read(['a'])).a.count).toBe(2);
      await storage.write({ a: { count: 4, eTag: '*' } });
      await storage.write({ a: { count: 5 } });
      expect((await storage.read(['a'])).a.count).toBe(5);

      await storage.delete(['a']);
      expect(await storage.read(['a', 'b'])).toEqual({ b: expect.objectContaining({ name: 'two' }) });
      await expect(storage.read([])).rejects.toThrow();
    }
  });

  it('keeps keys apart whatever characters they hold, and returns what was written', async () => {
    const storage = backend.open();
    const keys = ['msteams/bot/conversations/19:abc@thread.tacv2;messageid=1', 'supervision/users/00000000-0000-4000-8000-000000000100', 'a b|c%2F'];
    await storage.write(Object.fromEntries(keys.map((key, i) => [key, { i, nested: { list: [1, 'two', null], text: 'ümlaut ✓' } }])));
    const read = await storage.read(keys);
    for (const [i, key] of keys.entries()) expect(read[key]).toEqual({ i, nested: { list: [1, 'two', null], text: 'ümlaut ✓' }, eTag: expect.any(String) });
    expect(await storage.read(['msteams/bot/conversations'])).toEqual({});
  });

  it('a second instance over the same data sees writes, and a stale eTag from it conflicts', async () => {
    const one = backend.open();
    await one.write({ 'msteams/bot/conversations/a': { pending: 'event-1' } });
    const two = backend.open();
    const read = await two.read(['msteams/bot/conversations/a']);
    expect(read['msteams/bot/conversations/a']).toMatchObject({ pending: 'event-1' });
    const eTag = read['msteams/bot/conversations/a'].eTag as string;
    // A write through one instance makes the other's eTag stale.
    await one.write({ 'msteams/bot/conversations/a': { pending: 'event-2', eTag } });
    await expect(two.write({ 'msteams/bot/conversations/a': { pending: 'event-3', eTag } })).rejects.toThrow(/eTag/);
    expect((await backend.open().read(['msteams/bot/conversations/a']))['msteams/bot/conversations/a'].pending).toBe('event-2');
  });

  it('two instances writing from the same read: exactly one wins', async () => {
    const one = backend.open();
    const two = backend.open();
    await one.write({ turn: { n: 0 } });
    const { turn } = await one.read(['turn']);
    const results = await Promise.allSettled([one.write({ turn: { n: 1, eTag: turn.eTag } }), two.write({ turn: { n: 2, eTag: turn.eTag } })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
    expect((await backend.open().read(['turn'])).turn.n).toBe(winner);
  });

  it('an item deleted since it was read is written again under its old eTag, as MemoryStorage does', async () => {
    const storage = backend.open();
    await storage.write({ gone: { v: 1 } });
    const { gone } = await storage.read(['gone']);
    await storage.delete(['gone', 'never-there']);
    await storage.write({ gone: { v: 2, eTag: gone.eTag } });
    expect((await storage.read(['gone'])).gone.v).toBe(2);
  });
});

describe('SqliteStorage', () => {
  it('writes a batch atomically: one conflict writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-storage-'));
    const storage = new SqliteStorage(join(dir, 'state.sqlite'));
    try {
      await storage.write({ a: { v: 1 } });
      const { a } = await storage.read(['a']);
      await storage.write({ a: { v: 2, eTag: a.eTag } });
      await expect(storage.write({ b: { v: 1 }, a: { v: 3, eTag: a.eTag } })).rejects.toThrow(/eTag/);
      expect(await storage.read(['b'])).toEqual({});
    } finally {
      storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BlobStorage', () => {
  it('works through a container URL with a SAS, as a managed deployment hands it over', async () => {
    const container = `bot-${randomUUID()}`;
    const credential = new StorageSharedKeyCredential(azurite.account, azurite.accountKey);
    await new ContainerClient(`${azurite.blobEndpoint}/${container}`, credential).create();
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse('racwd'), expiresOn: new Date(Date.now() + 3_600_000) },
      credential,
    ).toString();
    const storage = new BlobStorage({ containerUrl: `${azurite.blobEndpoint}/${container}?${sas}` });
    await storage.write({ k: { v: 1 } });
    const { k } = await storage.read(['k']);
    await storage.write({ k: { v: 2, eTag: k.eTag } });
    await expect(storage.write({ k: { v: 3, eTag: k.eTag } })).rejects.toThrow(/eTag/);
    expect((await new BlobStorage({ connectionString: azurite.connectionString, container }).read(['k'])).k.v).toBe(2);
  });

  it('names the storage, not the URL, when the service cannot be reached', async () => {
    const storage = new BlobStorage({ containerUrl: 'http://127.0.0.1:9/devstoreaccount1/bot?sv=2024-01-01&sig=secret' }, { maxTries: 1 });
    const error = await storage.read(['k']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM', field: 'BOT_STORAGE' });
    expect(String((error as Error).message)).not.toContain('secret');
  });
});

describe('BOT_STORAGE configuration', () => {
  const base = { SUPERVISION_DATA_DIR: '.data-test' };
  const blobEnv = (extra: Record<string, string>) => ({ ...base, BOT_STORAGE: 'blob', ...extra });

  it('defaults to SQLite in the data directory', () => {
    expect(loadConfig(base, '/srv').botStorage).toEqual({ kind: 'sqlite' });
  });

  it('chooses Blob storage, reached by connection string or container URL, and the bot uses it', async () => {
    const container = `bot-${randomUUID()}`;
    const config = loadConfig(blobEnv({ BOT_STORAGE_BLOB_CONNECTION_STRING: azurite.connectionString, BOT_STORAGE_BLOB_CONTAINER: container }), '/srv');
    expect(config.botStorage).toEqual({ kind: 'blob', connectionString: azurite.connectionString, container });
    const storage = openStorage(botConfigFrom(config));
    expect(storage).toBeInstanceOf(BlobStorage);
    await storage.write({ k: { v: 1 } });
    expect((await new BlobStorage({ connectionString: azurite.connectionString, container }).read(['k'])).k.v).toBe(1);

    const url = 'https://wrenfieldbot.blob.core.windows.net/supervision-bot?sv=2024-11-04&sr=c&sp=racwd&sig=abc';
    expect(loadConfig(blobEnv({ BOT_STORAGE_BLOB_URL: url })).botStorage).toEqual({ kind: 'blob', containerUrl: url });
    expect(openStorage({ dataDir: '/unused', storage: { kind: 'blob', containerUrl: url } })).toBeInstanceOf(BlobStorage);
  });

  it.each([
    [{ BOT_STORAGE: 'cosmos' }, 'BOT_STORAGE', /sqlite.*blob/],
    [{ BOT_STORAGE: 'blob' }, 'BOT_STORAGE_BLOB_URL', /BOT_STORAGE_BLOB_CONNECTION_STRING/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_URL: 'https://a.blob.core.windows.net/c1?sig=x', BOT_STORAGE_BLOB_CONNECTION_STRING: 'AccountName=a;AccountKey=b' }, 'BOT_STORAGE_BLOB_URL', /not both/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_URL: 'not a url' }, 'BOT_STORAGE_BLOB_URL', /container URL/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_URL: 'http://wrenfieldbot.blob.core.windows.net/bot?sig=topsecret' }, 'BOT_STORAGE_BLOB_URL', /https/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_URL: 'https://wrenfieldbot.blob.core.windows.net/bot' }, 'BOT_STORAGE_BLOB_URL', /SAS/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_URL: 'https://wrenfieldbot.blob.core.windows.net/?sig=topsecret' }, 'BOT_STORAGE_BLOB_URL', /one container/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_CONNECTION_STRING: 'AccountName=wrenfield' }, 'BOT_STORAGE_BLOB_CONNECTION_STRING', /AccountKey/],
    [{ BOT_STORAGE: 'blob', BOT_STORAGE_BLOB_CONNECTION_STRING: 'AccountName=a;AccountKey=b', BOT_STORAGE_BLOB_CONTAINER: 'Bot_State' }, 'BOT_STORAGE_BLOB_CONTAINER', /container name/],
  ])('%j is refused, naming %s', (env, field, message) => {
    const error = (() => {
      try {
        loadConfig({ ...base, ...env });
      } catch (e) {
        return e as { code?: string; field?: string; message: string };
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'CONFIGURATION', field });
    expect(error!.message.startsWith(`${field}: `)).toBe(true);
    expect(error!.message).toMatch(message);
    expect(error!.message).not.toContain('topsecret');
  });
});
