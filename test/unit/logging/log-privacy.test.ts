import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { findLeaks, seededPersonalData } from '../../support/log-privacy.js';

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }) };
}

describe('the log privacy check (what the browser run is grepped for)', () => {
  const needles = seededPersonalData();

  it('knows every seeded person by display name, each name part and e-mail address', () => {
    expect(needles).toContain('Orla Fenwright');
    expect(needles).toContain('Fenwright');
    expect(needles).toContain('orla.fenwright@wrenfield.example');
    expect(needles).toContain("O'Rourke-Vance");
  });

  it('finds a single-word name that the logger lets through as an opaque value', () => {
    // The logger cannot tell "Fenwright" from an id; only the check over real logs can.
    const { lines, logger } = capture();
    logger.info('api.request', { operationId: 'getMe', status: 200, who: 'Fenwright' });
    expect(findLeaks(lines.join('\n'), needles)).toEqual([{ line: 1, found: 'Fenwright' }]);
  });

  it('does not flag ids, operation names or redacted values', () => {
    const { lines, logger } = capture();
    logger.info('api.request', { operationId: 'getRecord', status: 200, ms: 4, id: '00000000-0000-4000-8000-000000000012' });
    logger.warn('bot.send', { to: 'Orla Fenwright', text: 'Settling in; first court visit went well.' });
    expect(lines[1]).toContain('[redacted]');
    expect(findLeaks(lines.join('\n'), [...needles, 'Settling in; first court visit went well.'])).toEqual([]);
  });

  it('matches whole words only, so a name inside a longer word is not a leak', () => {
    expect(findLeaks('{"event":"Carrowsel"}', ['Carrow'])).toEqual([]);
    expect(findLeaks('{"event":"x","v":"Carrow"}', ['Carrow'])).toEqual([{ line: 1, found: 'Carrow' }]);
  });
});
