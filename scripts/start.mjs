// `npm start`: builds Ferry and runs the desktop app, with the embedded signaling service.
// Where the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, offline machines), it
// runs the desktop's own services without a window instead (embedded signaling on the usual port,
// nearby discovery) and serves the browser client from them, so the command always gives a
// working Ferry.
//
// This file runs before anything is checked, so it uses only what every Node since 14 has: the
// version check must be able to say its sentence on the old Node it is refusing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const REQUIRED = { major: 22, minor: 12 };

function nodeIsNewEnough() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > REQUIRED.major || (major === REQUIRED.major && minor >= REQUIRED.minor);
}

if (!nodeIsNewEnough()) {
  console.error(
    `Ferry needs Node.js ${REQUIRED.major}.${REQUIRED.minor} or newer, and this is Node.js ${process.versions.node}: ` +
      `install a current Node.js (22 LTS or later), then run \`npm ci && npm start\` again.`,
  );
  process.exit(1);
}

const require = createRequire(import.meta.url);

/**
 * The path of a package's command-line script, from its `bin` field (exports may hide the file).
 * @param {string} packageName
 * @param {string} binName
 * @returns {string}
 */
function binOf(packageName, binName) {
  let packageJsonPath;
  try {
    packageJsonPath = require.resolve(`${packageName}/package.json`);
  } catch {
    console.error(`Ferry's build tools are not installed (${packageName} is missing): run \`npm ci\` first.`);
    process.exit(1);
  }
  const { bin } = require(packageJsonPath);
  const relative = typeof bin === 'string' ? bin : bin?.[binName];
  return join(dirname(packageJsonPath), relative);
}

/**
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * The Electron binary that `npm ci` installed, or null where it was not downloaded. Read from the
 * package's own record (path.txt) rather than `require('electron')`, which tries to download the
 * binary right then and prints a stack trace where it cannot.
 * @returns {string | null}
 */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env['ELECTRON_OVERRIDE_DIST_PATH'] || join(packageDir, 'dist');
  const binary = join(distDir, executable);
  return executable !== '' && existsSync(binary) ? binary : null;
}

// FERRY_START_SKIP_BUILD=1 runs what was built last (tests that start several machines at once).
if (process.env['FERRY_START_SKIP_BUILD'] !== '1') {
  run(process.execPath, [binOf('electron-vite', 'electron-vite'), 'build']);
  run(process.execPath, [binOf('vite', 'vite'), 'build', '--config', 'signaling/vite.config.ts']);
  run(process.execPath, [binOf('vite', 'vite'), 'build', '--config', 'electron/headless/vite.config.ts']);
}

const binary = electronBinary();
if (!binary) {
  console.log(
    '\nThe Electron binary is not installed here (see README: "The Electron binary"), so Ferry runs\n' +
      'its desktop services without a window: open the address below in a browser on this computer;\n' +
      'other computers on the network find it by themselves.\n',
  );
}
const child = binary
  ? spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' })
  : spawn(process.execPath, ['out/headless/index.js', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
