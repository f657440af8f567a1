/**
 * SqliteStorage against the Agents SDK Storage contract as MemoryStorage implements it:
 * missing keys are absent from reads, each write issues a new eTag, a stale eTag conflicts,
 * "*" or no eTag writes unconditionally, and everything survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type Storage } from '@microsoft/agents-hosting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../bot/sqlite-storage.js';

let dir: string;
const opened: SqliteStorage[] = [];

function sqlite(): SqliteStorage {
  const storage = new SqliteStorage(join(dir, 'state.sqlite'));
  opened.push(storage);
  return storage;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bot-storage-'));
});

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function contract(storage: Storage): Promise<void> {
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

describe('SqliteStorage', () => {
  it('behaves as the SDK MemoryStorage does', async () => {
    await contract(new MemoryStorage());
    await contract(sqlite());
  });

  it('writes a batch atomically: one conflict writes nothing', async () => {
    const storage = sqlite();
    await storage.write({ a: { v: 1 } });
    const { a } = await storage.read(['a']);
    await storage.write({ a: { v: 2, eTag: a.eTag } });
    await expect(storage.write({ b: { v: 1 }, a: { v: 3, eTag: a.eTag } })).rejects.toThrow(/eTag/);
    expect(await storage.read(['b'])).toEqual({});
  });

  it('keeps state across a restart and between two connections', async () => {
    const one = sqlite();
    await one.write({ 'msteams/bot/conversations/a': { pending: 'event-1' } });
    const two = sqlite();
    const read = await two.read(['msteams/bot/conversations/a']);
    expect(read['msteams/bot/conversations/a']).toMatchObject({ pending: 'event-1' });
    // A write through one connection makes the other's eTag stale.
    await one.write({ 'msteams/bot/conversations/a': { pending: 'event-2', eTag: read['msteams/bot/conversations/a'].eTag } });
    await expect(two.write({ 'msteams/bot/conversations/a': { pending: 'event-3', eTag: read['msteams/bot/conversations/a'].eTag } })).rejects.toThrow();
    one.close();
    two.close();
    expect((await sqlite().read(['msteams/bot/conversations/a']))['msteams/bot/conversations/a'].pending).toBe('event-2');
  });
});
