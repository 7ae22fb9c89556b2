// `npm start`: builds Ferry and runs the desktop app, with the embedded signaling service.
// Where the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, offline machines), it
// says so and serves the browser client instead, so the command always gives a working Ferry.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function electronBinary() {
  try {
    // The electron package exports the path of its downloaded binary, and throws if there is none.
    return require('electron');
  } catch {
    return null;
  }
}

run(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build']);
run(process.execPath, [require.resolve('vite/bin/vite.js'), 'build', '--config', 'signaling/vite.config.ts']);

const binary = electronBinary();
const child = binary
  ? spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' })
  : (console.log(
      '\nThe Electron binary is not installed here (see README: "The Electron binary"),\n' +
        'so Ferry runs as its browser client: open the address below in a browser.\n',
    ),
    spawn(process.execPath, ['out/signaling/cli.js'], {
      stdio: 'inherit',
      env: { FERRY_SIGNAL_HOST: '127.0.0.1', ...process.env },
    }));
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
