/**
 * Nearby Ferry devices: what a desktop finds on its local network with DNS-SD over multicast DNS
 * (RFC 6762/6763), and what it tells its page about them (IPC in the desktop app, the embedded
 * service's HTTP endpoint for a browser on the same machine).
 *
 * Each desktop advertises its embedded signaling service as `_ferry._tcp` with these TXT keys. A
 * nearby device is not trusted by being found: pairing with it still needs its code. Finding it
 * only tells us which service to look the code up on.
 */
import { z } from 'zod';
import { MAX_DEVICE_NAME_LENGTH } from './peer-protocol';
import { SIGNALING_PROTOCOL_VERSION } from './signaling';

/** The DNS-SD service type, without the leading underscore bonjour-service adds: `_ferry._tcp`. */
export const NEARBY_SERVICE_TYPE = 'ferry';

/** Most nearby devices kept; a LAN with more Ferry desktops than this shows the first ones found. */
export const MAX_NEARBY_DEVICES = 32;
/** Most addresses kept per device (one per usable interface). */
export const MAX_NEARBY_URLS = 8;
const MAX_INSTANCE_ID_LENGTH = 64;

/**
 * The TXT record of an advertisement, as received from the network: untrusted, so parsed.
 * `v` is the signaling protocol version the advertised service speaks (a device that speaks
 * another cannot be looked up or joined, so it is not listed).
 */
export const nearbyTxtSchema = z.object({
  /** The device's name as its owner set it, e.g. "Ada's laptop". */
  name: z.string().trim().min(1).max(MAX_DEVICE_NAME_LENGTH),
  /** The signaling protocol version (`SIGNALING_PROTOCOL_VERSION`), as text. */
  v: z.literal(String(SIGNALING_PROTOCOL_VERSION)),
  /** A random id of this run of the app: how a device recognises its own advertisement. */
  id: z
    .string()
    .min(1)
    .max(MAX_INSTANCE_ID_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/),
});
export type NearbyTxt = z.infer<typeof nearbyTxtSchema>;

/** An `http://a.b.c.d:port` address of a nearby device's signaling service. */
const nearbyUrlSchema = z
  .string()
  .max(64)
  .regex(/^http:\/\/\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/, 'not an http://IPv4:port URL');

export const nearbyDeviceSchema = z.strictObject({
  /** The advertisement's instance id (`NearbyTxt.id`), stable while that app runs. */
  id: z.string().min(1).max(MAX_INSTANCE_ID_LENGTH),
  name: z.string().min(1).max(MAX_DEVICE_NAME_LENGTH),
  /** Where its signaling service answers, best first (the address its announcement came from). */
  urls: z.array(nearbyUrlSchema).min(1).max(MAX_NEARBY_URLS),
});
export type NearbyDevice = z.infer<typeof nearbyDeviceSchema>;

export const nearbyDevicesSchema = z.array(nearbyDeviceSchema).max(MAX_NEARBY_DEVICES);
