/**
 * Whether this page's Content-Security-Policy lets it reach a pairing service.
 *
 * The browser client is served with a `connect-src` that names exact origins only (the service that
 * served it, the built-in internet service, nearby desktops: signaling/src/web-client-csp.ts). A
 * service typed into Settings that the policy does not name would fail silently at every connect,
 * so Settings asks first. There is no API that answers "would this URL be allowed"; the browser
 * answers by refusing a request and firing `securitypolicyviolation`, which is what this does: one
 * `no-cors` request to the service's `/healthz`, and a look at the violations it caused.
 */

/** How long to wait for the probe to settle: a refused request settles at once, a reachable one soon. */
const PROBE_SETTLE_MS = 2_000;

export interface PagePolicyScope {
  readonly document: Pick<Document, 'addEventListener' | 'removeEventListener'>;
  readonly fetch: (input: string, init: RequestInit) => Promise<unknown>;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
}

function browserScope(): PagePolicyScope {
  return {
    document,
    fetch: (input, init) => fetch(input, init),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
  };
}

/** True when the page's policy refuses connections to `serviceUrl` (an http(s) or ws(s) URL). */
export async function refusedByPagePolicy(
  serviceUrl: string,
  scope: PagePolicyScope = browserScope(),
): Promise<boolean> {
  let probe: URL;
  try {
    probe = new URL('/healthz', serviceUrl);
  } catch {
    return false; // Not a URL: the form's own check says so.
  }
  if (probe.protocol === 'ws:') probe.protocol = 'http:';
  if (probe.protocol === 'wss:') probe.protocol = 'https:';
  const origin = probe.origin;
  let refused = false;
  const onViolation = (event: Event) => {
    const violation = event as SecurityPolicyViolationEvent;
    if (violation.effectiveDirective !== 'connect-src') return;
    try {
      if (new URL(violation.blockedURI).origin === origin) refused = true;
    } catch {
      // A blocked URI that is not a URL ('inline', 'eval') is not ours.
    }
  };
  scope.document.addEventListener('securitypolicyviolation', onViolation);
  try {
    await Promise.race([
      scope
        .fetch(probe.href, { mode: 'no-cors', cache: 'no-store', credentials: 'omit' })
        .catch(() => undefined),
      new Promise<void>((resolve) => scope.setTimeout(resolve, PROBE_SETTLE_MS)),
    ]);
    // The violation event is queued as a task of its own after the refusal: let it run.
    await new Promise<void>((resolve) => scope.setTimeout(resolve, 0));
    return refused;
  } finally {
    scope.document.removeEventListener('securitypolicyviolation', onViolation);
  }
}
