/**
 * The bot's Storage as configured (BOT_STORAGE): SQLite in the data directory for one
 * server, Azure Blob Storage for several (each replica sees the others' writes, and
 * conditional requests keep them from overwriting each other).
 */
import { join } from 'node:path';
import type { Storage } from '@microsoft/agents-hosting';
import type { BotStorageConfig } from '../src/server/config.js';
import { BlobStorage } from './blob-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

export function openStorage(config: { dataDir: string; storage?: BotStorageConfig }): Storage {
  const chosen = config.storage ?? { kind: 'sqlite' };
  if (chosen.kind === 'sqlite') return new SqliteStorage(join(config.dataDir, 'bot-state.sqlite'));
  return new BlobStorage('containerUrl' in chosen ? { containerUrl: chosen.containerUrl } : { connectionString: chosen.connectionString, container: chosen.container });
}
