import { mkdirSync } from 'node:fs';
import { createLogger } from '../logger.js';
import { createApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL });
mkdirSync(config.dataDir, { recursive: true });
const app = createApp({ config });
const server = app.listen(config.PORT, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info('server.listening', { mode: config.mode, port, host: config.host });
  process.stdout.write(`Supervision for Teams (${config.mode} mode) on http://localhost:${port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
