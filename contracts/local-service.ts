/**
 * What a Ferry desktop's embedded signaling service tells the pages it serves about this machine:
 * the addresses other devices can open to reach it (for the QR code and join links), and the Ferry
 * devices it found nearby. Served as JSON at `LOCAL_INFO_PATH` only by the desktop's own services
 * (the Electron app's embedded service, or `npm start` without a window); a standalone internet
 * service has no such endpoint, and the page then falls back on its own origin.
 */
import { z } from 'zod';
import { signalingUrlSchema } from './settings';

export const LOCAL_INFO_PATH = '/api/local';

/**
 * The port a Ferry desktop's embedded signaling service listens on when it can (every desktop on a
 * LAN then answers at the same one; the web client's CSP relies on that for desktops found later).
 */
export const EMBEDDED_SERVICE_PORT = 47100;

/** A Ferry desktop found on the local network (DNS-SD `_ferry._tcp`). */
export const nearbyServiceSchema = z.strictObject({
  /** Stable per running app, so a device seen on two interfaces is listed once. */
  instanceId: z.string().min(1).max(64),
  /** The device name it advertises, as its person chose it. */
  name: z.string().min(1).max(64),
  /** Where its embedded signaling service answers, e.g. `http://192.168.1.20:47100`. */
  url: signalingUrlSchema,
});
export type NearbyService = z.infer<typeof nearbyServiceSchema>;

export const localInfoSchema = z.strictObject({
  /**
   * Base URLs another device can open to reach the service that served this page, best first:
   * one per usable network interface of this machine (never loopback). Empty when the machine has
   * no network but loopback.
   */
  joinBaseUrls: z.array(signalingUrlSchema).max(16),
  /** Ferry desktops found nearby, not counting this one. */
  nearby: z.array(nearbyServiceSchema).max(64),
});
export type LocalInfo = z.infer<typeof localInfoSchema>;
