#!/usr/bin/env node
// `npm start`: the whole app on one port, from the TypeScript sources (via tsx). A fresh
// clone has no built tab yet, so it is built here first (and rebuilt when its sources change).
import { register } from 'tsx/esm/api';

register();
const { ensureTabBuilt } = await import('../tab/ensure-built.ts');
ensureTabBuilt(process.cwd(), (line) => process.stdout.write(`${line}\n`));
await import('../src/server/main.ts');
