/**
 * `npm run lint:electron`: @doyensec/electronegativity over the desktop app (the main process, the
 * preload and the page's HTML with its CSP), offline, and failing on any HIGH severity finding.
 * Its checks stand in for lint rules of Electron's security checklist: context isolation, sandbox,
 * node integration, web security, insecure content, experimental features, remote module, CSP, …
 *
 * The MEDIUM findings it reports on this code are reviewed and accepted in docs/security.md; they
 * are printed on every run so a new one is seen.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ELECTRON_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies
  .electron;
const cli = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');

// What ships: the Electron code without its tests, and the page that declares the CSP.
const input = mkdtempSync(join(tmpdir(), 'ferry-electronegativity-'));
const report = join(input, 'report.csv');
try {
  cpSync(join(root, 'electron'), join(input, 'electron'), {
    recursive: true,
    filter: (source) => !/\.test\.ts$|[/\\]test-support([/\\]|$)/.test(source),
  });
  cpSync(join(root, 'renderer/index.html'), join(input, 'renderer/index.html'));
  const run = spawnSync(
    process.execPath,
    [
      // The tool fetches translations and Electron's release list; offline-preload refuses that.
      '--import',
      pathToFileURL(join(root, 'scripts/offline-preload.mjs')).href,
      cli,
      ...['-i', input, '-r', '-v', 'false', '-e', ELECTRON_VERSION, '-o', report],
    ],
    { encoding: 'utf8', env: { ...process.env, LANG: 'en-US' } },
  );
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`electronegativity exited with ${run.status}`);
  }
  const rows = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [issue = '', severity = '', confidence = '', file = '', location = ''] = line
        .split(',')
        .map((cell) => cell.replace(/^"|"$/g, ''));
      return { issue, severity, confidence, file, location };
    });
  for (const row of rows)
    process.stdout.write(
      `${row.severity.padEnd(13)} ${row.issue} ${row.file}:${row.location} (${row.confidence})\n`,
    );
  const high = rows.filter((row) => row.severity === 'HIGH');
  process.stdout.write(
    `electronegativity: ${rows.length} findings, ${high.length} of HIGH severity (MEDIUM ones: docs/security.md)\n`,
  );
  if (high.length > 0) process.exitCode = 1;
} finally {
  rmSync(input, { recursive: true, force: true });
}
