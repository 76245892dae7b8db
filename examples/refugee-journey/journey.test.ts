import { expect, it } from 'vitest';
import { journey } from './journey.js';

it('runs the refugee journey through the library API', async () => {
  const lines: string[] = [];
  expect(await journey((l) => lines.push(l))).toEqual({ first: true, second: 'revoked' });
  expect(lines.join('\n')).toContain('Over 18');
  expect(lines.join('\n')).not.toContain('Amal');
});
