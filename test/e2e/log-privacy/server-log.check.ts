/**
 * Issue 8 §2: no personal data or record content in logs. Runs after the whole browser suite
 * (scripts/test.js) over the server log every browser test wrote at debug level.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findLeaks, seededPersonalData } from '../../support/log-privacy.js';
import { recordText, serverLogPath } from '../support.js';

describe('the server log of the browser run', () => {
  const log = existsSync(serverLogPath) ? readFileSync(serverLogPath, 'utf8') : '';
  const lines = log.split('\n').filter(Boolean);

  it('exists and records the API traffic of the journey', () => {
    const requests = lines.filter((line) => line.includes('"event":"api.request"'));
    // Without traffic in the log, finding no names below would prove nothing.
    expect(requests.length).toBeGreaterThan(20);
    expect(log).toContain('"operationId":"finaliseRecord"');
  });

  it('holds no seeded person’s name or e-mail address', () => {
    expect(findLeaks(log, seededPersonalData())).toEqual([]);
  });

  it('holds none of the text typed into records', () => {
    expect(findLeaks(log, Object.values(recordText))).toEqual([]);
  });
});
