/**
 * The ICE servers the service hands each client in its `pair:open` / `pair:join` ack: STUN, and
 * TURN with short-lived credentials in coturn's REST shared-secret scheme ("TURN REST API",
 * draft-uberti-behave-turn-rest-00; coturn's `use-auth-secret` / `static-auth-secret`):
 *
 *   username   = "<expiry, seconds since the epoch>:<id>"
 *   credential = base64(HMAC-SHA1(shared secret, username))
 *
 * coturn recomputes the credential from the username with the same secret and refuses it once the
 * expiry has passed, so the service never stores a credential and a leaked one is useless after
 * its lifetime. The secret stays on the service and the TURN server.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../../contracts/signaling';
import type { Clock } from './clock';

export interface TurnRestOptions {
  /** turn: and turns: URLs, e.g. turn:turn.example:3478 and turns:turn.example:443?transport=tcp. */
  readonly urls: readonly string[];
  /** coturn's static-auth-secret. */
  readonly secret: string;
  /** How long an issued credential is valid. */
  readonly ttlSeconds: number;
}

export interface IceServerOptions {
  /** Servers handed out as they are (STUN, or TURN with fixed credentials). */
  readonly staticServers?: readonly IceServer[];
  /** TURN servers that get fresh REST credentials for every client. */
  readonly turn?: TurnRestOptions | undefined;
  readonly clock: Clock;
  /** An opaque id for the username; random by default (it only makes usernames distinct). */
  readonly credentialId?: () => string;
}

/** Gives the ICE servers for one client, with a fresh TURN credential. */
export type IceServerSource = () => IceServer[];

export function turnRestCredential(
  secret: string,
  expiresAtSeconds: number,
  id: string,
): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export function createIceServerSource(options: IceServerOptions): IceServerSource {
  const staticServers = [...(options.staticServers ?? [])];
  const { turn } = options;
  if (turn === undefined) return () => staticServers.map((server) => ({ ...server }));
  const newId = options.credentialId ?? (() => randomBytes(9).toString('base64url'));
  return () => {
    const expiresAt = Math.floor(options.clock.now() / 1000) + turn.ttlSeconds;
    const { username, credential } = turnRestCredential(turn.secret, expiresAt, newId());
    return [
      ...staticServers.map((server) => ({ ...server })),
      { urls: [...turn.urls], username, credential },
    ];
  };
}
