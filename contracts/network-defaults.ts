/**
 * The network settings a build of Ferry starts with: an internet signaling service and ICE servers
 * (STUN, TURN), chosen by whoever builds and packages it. Empty unless set: the embedded service
 * on each desktop remains the no-setup default, enough for devices on one network.
 *
 * Set in package.json (`ferryNetworkDefaults`) or, for a packaging run, by the environment at build
 * time: `FERRY_DEFAULT_SIGNALING_URL` and `FERRY_DEFAULT_ICE_SERVERS` (a JSON array). The build
 * bakes them in as `__FERRY_NETWORK_DEFAULTS__`; a person's own settings override them.
 */
import { z } from 'zod';
import { signalingUrlSchema } from './settings';
import { iceServersSchema } from './signaling';

export const networkDefaultsSchema = z.strictObject({
  /** A signaling service on the internet; each code is opened there as well as on the embedded one. */
  internetSignalingUrl: z.union([z.literal(''), signalingUrlSchema]),
  iceServers: iceServersSchema,
});
export type NetworkDefaults = z.infer<typeof networkDefaultsSchema>;

export const NO_NETWORK_DEFAULTS: NetworkDefaults = { internetSignalingUrl: '', iceServers: [] };

/** Thrown at build time, so a packager learns of a bad value before any user does. */
export class NetworkDefaultsError extends Error {
  override readonly name = 'NetworkDefaultsError';
}

export function resolveNetworkDefaults(
  fromPackageJson: unknown,
  env: Readonly<Record<string, string | undefined>>,
): NetworkDefaults {
  const merged: Record<string, unknown> = {
    ...NO_NETWORK_DEFAULTS,
    ...(typeof fromPackageJson === 'object' && fromPackageJson !== null ? fromPackageJson : {}),
  };
  const url = env['FERRY_DEFAULT_SIGNALING_URL'];
  if (url !== undefined && url !== '') merged['internetSignalingUrl'] = url;
  const ice = env['FERRY_DEFAULT_ICE_SERVERS'];
  if (ice !== undefined && ice !== '') {
    try {
      merged['iceServers'] = JSON.parse(ice);
    } catch {
      throw new NetworkDefaultsError(
        'FERRY_DEFAULT_ICE_SERVERS is not JSON (expected an array of ICE servers).',
      );
    }
  }
  const parsed = networkDefaultsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new NetworkDefaultsError(`Ferry's network defaults are not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
}
