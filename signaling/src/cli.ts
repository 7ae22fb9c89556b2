/**
 * The standalone signaling service: `node out/signaling/cli.js`. Configured by environment
 * variables (see config.ts); logs JSON lines with pino; stops cleanly on SIGINT / SIGTERM.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSignalingConfig, SignalingConfigError, type SignalingConfig } from './config';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';
import { startSignalingService } from './service';

/** The build puts this file in out/signaling/ and the web client in out/renderer/. */
const BUILT_WEB_CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../renderer');

function loadConfig(): SignalingConfig | undefined {
  try {
    return parseSignalingConfig(process.env, { staticDir: BUILT_WEB_CLIENT_DIR });
  } catch (error) {
    if (!(error instanceof SignalingConfigError)) throw error;
    createLogger().fatal({ problems: error.problems }, error.message);
    return undefined;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config === undefined) {
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  const service = await startSignalingService({
    ...config,
    logger,
    metrics: createServiceMetrics(),
    // The internet service: short codes (lowest free nameplate); see NameplateAllocation.
    nameplateAllocation: 'lowest-free',
  }).catch((error: unknown) => {
    logger.fatal({ err: error, host: config.host, port: config.port }, 'signaling service could not start');
    process.exitCode = 1;
    return undefined;
  });
  if (service === undefined) return;
  logger.info(
    { url: service.url, host: service.host, port: service.port, staticDir: config.staticDir },
    `Ferry signaling service listening on ${service.url}`,
  );
  if (!existsSync(path.join(config.staticDir, 'index.html'))) {
    logger.warn(
      { staticDir: config.staticDir },
      'no web client to serve: run `npm run build` or set FERRY_STATIC_DIR',
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C means "now": do not wait for a stuck close.
      logger.warn({ signal }, 'stopping immediately');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    service.close().then(
      () => logger.info('stopped'),
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  createLogger().fatal({ err: error }, 'signaling service failed');
  process.exitCode = 1;
});
