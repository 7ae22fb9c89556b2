/**
 * The STUN/TURN servers setting as people edit it: JSON text in, checked ICE servers out, or a
 * reason in words (as a message key) when the text is not a usable list.
 */
import { iceServerSchema, iceServersSchema, type IceServer } from '../../../../contracts/signaling';
import type { MessageKey } from '../../i18n/i18n';

export type IceServersParse =
  | { readonly ok: true; readonly servers: IceServer[] }
  | { readonly ok: false; readonly key: MessageKey; readonly params: Readonly<Record<string, string>> };

const MAX_ICE_SERVERS = 16;
const ICE_URL = /^(stun|stuns|turn|turns):/i;

/** The setting as it is shown for editing: empty for none, else indented JSON. */
export function formatIceServers(servers: readonly IceServer[]): string {
  return servers.length === 0 ? '' : JSON.stringify(servers, null, 2);
}

export function parseIceServers(text: string): IceServersParse {
  if (text.trim() === '') return { ok: true, servers: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      key: 'settings.iceServers.notJson',
      params: { reason: error instanceof Error ? error.message : String(error) },
    };
  }
  // One server on its own is a common slip; take it as a list of one.
  const list = Array.isArray(json) ? json : typeof json === 'object' && json !== null ? [json] : null;
  if (list === null) return { ok: false, key: 'settings.iceServers.notList', params: {} };
  if (list.length > MAX_ICE_SERVERS) {
    return { ok: false, key: 'settings.iceServers.tooMany', params: { max: String(MAX_ICE_SERVERS) } };
  }
  for (const [index, item] of list.entries()) {
    const n = String(index + 1);
    const parsed = iceServerSchema.safeParse(item);
    if (!parsed.success) return { ok: false, key: 'settings.iceServers.badItem', params: { n } };
    const urls = typeof parsed.data.urls === 'string' ? [parsed.data.urls] : parsed.data.urls;
    const wrong = urls.find((url) => !ICE_URL.test(url));
    // RTCPeerConnection refuses such a URL outright, which would break every connection attempt.
    if (wrong !== undefined)
      return { ok: false, key: 'settings.iceServers.badUrl', params: { n, url: wrong } };
  }
  const parsed = iceServersSchema.safeParse(list);
  if (!parsed.success) return { ok: false, key: 'settings.iceServers.notList', params: {} };
  return { ok: true, servers: parsed.data };
}
