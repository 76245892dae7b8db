// `pnpm fuzz`: the property tests at 50x their CI runs and the crash test at 1,000 kills.
// Usage: pnpm fuzz [scale] [kills]   (defaults 50 and 1000). Takes tens of minutes.
import { spawnSync } from 'node:child_process';

const [scale = '50', kills = '1000'] = process.argv.slice(2);
console.log(`Fuzzing: property runs x${scale}, ${kills} crash kills.`);
const result = spawnSync(
  'npx',
  ['vitest', 'run', 'test/properties', 'test/crash', 'test/adversarial'],
  {
    stdio: 'inherit',
    env: { ...process.env, SANAD_FUZZ_SCALE: scale, SANAD_CRASH_KILLS: kills },
    shell: process.platform === 'win32',
  },
);
process.exit(result.status ?? 1);
