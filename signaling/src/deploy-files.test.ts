/**
 * deploy/compose.yaml and deploy/Dockerfile have never run here (the build machine has a docker
 * client but no engine), so this keeps them honest without Docker. The compose file is read as
 * compose reads it (its ${…} interpolation, anchors and merge keys) with sample values for what an
 * operator sets; each signaling service must be configured only with variables the service reads
 * and with values the service's own config parser accepts, on the port it publishes, with the Redis
 * and coturn of the same file. The Dockerfile must start the file the build makes, with runtime
 * dependencies that hold everything the service imports.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_VARIABLES, DEFAULT_SIGNAL_PORT, parseSignalingConfig } from './config';
import { READY_PATH } from './http-handler';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** What the operator sets, as the comment at the top of compose.yaml says. */
const OPERATOR_ENV = {
  FERRY_TURN_SECRET: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=',
  FERRY_PUBLIC_HOST: 'ferry.example.org',
};

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  ports: z.array(z.string()).optional(),
  depends_on: z.array(z.string()).optional(),
  network_mode: z.string().optional(),
});
const composeSchema = z.looseObject({ services: z.record(z.string(), serviceSchema) });
type ComposeService = z.infer<typeof serviceSchema>;

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is $. */
function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (whole, name: string | undefined, operator: string | undefined, argument: string | undefined) => {
      if (whole === '$$' || name === undefined) return '$';
      const value = env[name];
      const missing =
        operator?.startsWith(':') === true ? value === undefined || value === '' : value === undefined;
      if (operator?.endsWith('?') === true && missing) throw new Error(`${name}: ${argument ?? 'required'}`);
      if (operator?.endsWith('-') === true && missing) return argument ?? '';
      return value ?? '';
    },
  );
}

/** Compose parses the YAML first and interpolates each string value after. */
function interpolateValues(value: unknown, env: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateValues(item, env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateValues(item, env)]),
    );
  }
  return value;
}

function compose(env: Readonly<Record<string, string>> = OPERATOR_ENV): Record<string, ComposeService> {
  return composeSchema.parse(interpolateValues(load(read('deploy/compose.yaml')), env)).services;
}

function argumentsOf(service: ComposeService | undefined): string[] {
  const command = service?.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/) : command;
}

/** `--name=value` of a command line. */
function optionOf(args: readonly string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

describe('deploy/compose.yaml', () => {
  const services = compose();
  const signaling = Object.entries(services).filter(
    ([, service]) => service.build?.dockerfile === 'deploy/Dockerfile',
  );

  it('runs two signaling instances of the image built from deploy/Dockerfile at the repository root', () => {
    expect(signaling.map(([name]) => name)).toHaveLength(2);
    for (const [, service] of signaling) {
      expect(path.resolve(ROOT, 'deploy', service.build?.context ?? '')).toBe(ROOT);
    }
  });

  it('sets only variables the service reads, to values its config accepts, on the port it publishes', () => {
    const hostPorts = new Set<string>();
    for (const [name, service] of signaling) {
      const environment = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]),
      );
      expect(
        Object.keys(environment).filter((key) => !CONFIG_VARIABLES.includes(key)),
        name,
      ).toEqual([]);
      // Throws, naming every bad variable, exactly as the service would at start.
      const config = parseSignalingConfig(environment, { staticDir: '/app/out/renderer' });
      expect(config.host, name).toBe('0.0.0.0');
      expect(config.port, name).toBe(DEFAULT_SIGNAL_PORT);
      for (const mapping of service.ports ?? []) {
        const [hostPort, containerPort] = mapping.split(':').slice(-2);
        expect(containerPort, name).toBe(String(config.port));
        expect(hostPorts.has(String(hostPort)), `${name}: host port ${hostPort} used twice`).toBe(false);
        hostPorts.add(String(hostPort));
      }
      expect(service.ports, name).toHaveLength(1);

      // Redis: the service of that name in this file, on the port its command leaves it on.
      const redisUrl = new URL(config.redisUrl ?? 'redis://missing');
      expect(Object.keys(services)).toContain(redisUrl.hostname);
      expect(service.depends_on ?? []).toContain(redisUrl.hostname);
      const redisArgs = argumentsOf(services[redisUrl.hostname]);
      const redisPort = redisArgs[redisArgs.indexOf('--port') + 1];
      expect(redisUrl.port || '6379').toBe(redisArgs.includes('--port') ? redisPort : '6379');

      // TURN: coturn of this file, with the same secret, on the ports it listens on.
      const coturn = argumentsOf(services.coturn);
      expect(coturn).toContain('--use-auth-secret');
      expect(config.turn?.secret).toBe(optionOf(coturn, 'static-auth-secret'));
      expect(config.turn?.secret).toBe(OPERATOR_ENV.FERRY_TURN_SECRET);
      const listening = {
        turn: optionOf(coturn, 'listening-port'),
        turns: optionOf(coturn, 'tls-listening-port'),
      };
      for (const url of [
        ...(config.turn?.urls ?? []),
        ...config.iceServers.flatMap((server) => server.urls),
      ]) {
        const [scheme, host, port] = /^(stuns?|turns?):([^:?]+):(\d+)/.exec(url)?.slice(1) ?? [];
        expect(host, url).toBe(OPERATOR_ENV.FERRY_PUBLIC_HOST);
        expect(port, url).toBe(scheme === 'turns' ? listening.turns : listening.turn);
      }
      expect(config.turn?.urls.some((url) => url.startsWith('turns:') && url.includes(':443'))).toBe(true);
    }
  });

  it('does not come up without the TURN secret or the public host', () => {
    expect(() => compose({ FERRY_PUBLIC_HOST: OPERATOR_ENV.FERRY_PUBLIC_HOST })).toThrow(/FERRY_TURN_SECRET/);
    expect(() => compose({ FERRY_TURN_SECRET: OPERATOR_ENV.FERRY_TURN_SECRET })).toThrow(/FERRY_PUBLIC_HOST/);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');
  const packageJson = z
    .object({
      engines: z.object({ node: z.string() }),
      scripts: z.record(z.string(), z.string()),
      dependencies: z.record(z.string(), z.string()),
    })
    .parse(JSON.parse(read('package.json')));
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('starts the file the signaling build writes, from the folder the build copies into the image', async () => {
    const viteConfigPath = path.join(ROOT, 'signaling/vite.config.ts');
    const viteConfig = z
      .object({
        default: z.object({
          build: z.object({
            outDir: z.string(),
            rollupOptions: z.object({ output: z.object({ entryFileNames: z.string() }) }),
          }),
        }),
      })
      .parse(await import(viteConfigPath)).default.build;
    const built = path.relative(
      ROOT,
      path.join(viteConfig.outDir, viteConfig.rollupOptions.output.entryFileNames),
    );
    expect(built).toBe('out/signaling/cli.js');
    expect(packageJson.scripts.build).toContain('--config signaling/vite.config.ts');
    expect(packageJson.scripts.signaling).toBe(`node ${built}`);

    const cmd = z.array(z.string()).parse(JSON.parse(/^CMD (\[.*\])$/m.exec(finalStage)?.[1] ?? 'null'));
    expect(cmd).toEqual(['node', built]);
    const workdir = /^WORKDIR (\S+)$/m.exec(finalStage)?.[1];
    expect(workdir).toBe('/app');
    // The build stage builds the whole app; the service's folder and the web client it serves
    // (cli.js looks in ../renderer) are copied to the same places under the final WORKDIR.
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(finalStage).toContain(`COPY --from=build /src/${path.dirname(built)} ./${path.dirname(built)}`);
    expect(finalStage).toContain('COPY --from=build /src/out/renderer ./out/renderer');
  });

  it('listens and is checked on the port the compose file publishes, on a Node the package accepts', () => {
    expect(finalStage).toMatch(new RegExp(`^EXPOSE ${DEFAULT_SIGNAL_PORT}$`, 'm'));
    expect(finalStage).toContain(`http://127.0.0.1:${DEFAULT_SIGNAL_PORT}${READY_PATH}`);
    const minimumMajor = /(\d+)\./.exec(packageJson.engines.node)?.[1];
    for (const [, major] of dockerfile.matchAll(/^FROM node:(\d+)/gm)) expect(major).toBe(minimumMajor);
  });

  it('installs as runtime dependencies everything the service imports (the image runs npm ci --omit=dev)', () => {
    expect(finalStage).toMatch(/npm ci --omit=dev/);
    const imported = new Set<string>();
    const pending = ['signaling/src/cli.ts'];
    const seen = new Set<string>();
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const [, specifier = ''] of read(file).matchAll(/^(?:import|export)\s[^;]*?from '([^']+)'/gms)) {
        if (specifier.startsWith('.')) {
          pending.push(path.relative(ROOT, path.resolve(ROOT, path.dirname(file), `${specifier}.ts`)));
        } else if (!specifier.startsWith('node:')) {
          const parts = specifier.split('/');
          imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
        }
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...imported].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
    expect([...imported]).toEqual(
      expect.arrayContaining(['socket.io', 'redis', 'pino', 'prom-client', 'zod']),
    );
  });
});
