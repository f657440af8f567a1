import { createLogger } from '../logger.js';
import { startServer } from './bootstrap.js';
import { loadConfig } from './config.js';

const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL });
const running = await startServer(config, logger);
logger.info('server.listening', { mode: config.mode, port: running.port, host: config.host });
process.stdout.write(`Supervision for Teams (${config.mode} mode, ${config.SUPERVISION_ORG} policy) on ${running.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
