/**
 * The STUN/TURN servers setting as people edit it: one row per server address (with the username
 * and credential a TURN server needs), checked as they type, and the ICE servers saved from them.
 */
import { iceServersSchema, type IceServer } from '../../../../contracts/signaling';
import type { MessageKey } from '../../i18n/i18n';

/** One server as a form row; `key` only tells React the rows apart. */
export interface IceServerRow {
  readonly key: string;
  readonly url: string;
  readonly username: string;
  readonly credential: string;
}

/** What is wrong with a row, as message keys for the field each problem belongs to. */
export interface IceServerRowProblems {
  readonly url?: MessageKey;
  readonly credentials?: MessageKey;
}

export const MAX_ICE_SERVERS = 16;
const MAX_FIELD_LENGTH = 512;
const SCHEME = /^(stun|stuns|turn|turns):/i;
const TURN = /^turns?:/i;
/** RFC 7064/7065: `scheme:host[:port][?transport=udp|tcp]` (the transport only for TURN). */
const HOST_AND_PORT = /^[^\s/?#:@]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/**
 * The saved servers as rows. A server with several URLs (allowed by the setting) becomes one row
 * per URL with the same username and credential: the same servers, one address at a time.
 */
export function rowsFromServers(servers: readonly IceServer[], newKey: () => string): IceServerRow[] {
  return servers.flatMap((server) =>
    (typeof server.urls === 'string' ? [server.urls] : server.urls).map((url) => ({
      key: newKey(),
      url,
      username: server.username ?? '',
      credential: server.credential ?? '',
    })),
  );
}

/**
 * Checks one row: a problem here would make RTCPeerConnection refuse the whole configuration
 * (a bad URL is a SyntaxError, a TURN server without credentials an InvalidAccessError), which
 * would break every connection attempt, so it is caught before saving.
 */
export function checkIceServerRow(
  row: Pick<IceServerRow, 'url' | 'username' | 'credential'>,
): IceServerRowProblems {
  const url = row.url.trim();
  let urlProblem: MessageKey | undefined;
  if (url === '') urlProblem = 'settings.iceServers.urlMissing';
  else if (url.length > MAX_FIELD_LENGTH) urlProblem = 'settings.iceServers.urlTooLong';
  else if (!SCHEME.test(url)) urlProblem = 'settings.iceServers.urlScheme';
  else {
    const [address = '', query] = url.replace(SCHEME, '').split('?', 2);
    if (address === '') urlProblem = 'settings.iceServers.urlHost';
    else if (!HOST_AND_PORT.test(address)) urlProblem = 'settings.iceServers.urlAddress';
    else if (query !== undefined && !(TURN.test(url) && /^transport=(udp|tcp)$/i.test(query)))
      urlProblem = 'settings.iceServers.urlQuery';
  }
  let credentialsProblem: MessageKey | undefined;
  if (row.username.length > MAX_FIELD_LENGTH || row.credential.length > MAX_FIELD_LENGTH)
    credentialsProblem = 'settings.iceServers.credentialsTooLong';
  else if (TURN.test(url) && (row.username.trim() === '' || row.credential === ''))
    credentialsProblem = 'settings.iceServers.credentialsMissing';
  return {
    ...(urlProblem === undefined ? {} : { url: urlProblem }),
    ...(credentialsProblem === undefined ? {} : { credentials: credentialsProblem }),
  };
}

export function rowHasProblems(problems: IceServerRowProblems): boolean {
  return problems.url !== undefined || problems.credentials !== undefined;
}

/** The servers to save, or null while a row has a problem. */
export function serversFromRows(rows: readonly IceServerRow[]): IceServer[] | null {
  if (rows.length > MAX_ICE_SERVERS) return null;
  if (rows.some((row) => rowHasProblems(checkIceServerRow(row)))) return null;
  const servers = rows.map((row): IceServer => {
    const username = row.username.trim();
    return {
      urls: row.url.trim(),
      ...(username === '' ? {} : { username }),
      ...(row.credential === '' ? {} : { credential: row.credential }),
    };
  });
  const parsed = iceServersSchema.safeParse(servers);
  return parsed.success ? parsed.data : null;
}
