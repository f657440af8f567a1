#!/usr/bin/env node
// `npm start`: the whole app on one port, from the TypeScript sources (via tsx).
import { register } from 'tsx/esm/api';

register();
await import('../src/server/main.ts');
