/**
 * Nearby Ferry devices: how a desktop advertises itself on its local network with DNS-SD over
 * multicast DNS (RFC 6762/6763). What it tells its pages about the devices it found is
 * `NearbyService` in local-service.ts.
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

/** Most nearby devices kept; a LAN with more Ferry desktops than this lists the first ones found. */
export const MAX_NEARBY_DEVICES = 64;
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
