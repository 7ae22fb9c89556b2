/**
 * Loaded with `node --import` into tools that phone home (electronegativity fetches translations
 * and Electron's release list): every outgoing connection and name lookup fails at once, so the
 * tool runs offline, the same on every machine, and sends nothing anywhere.
 */
import dns from 'node:dns';
import net from 'node:net';

const offlineError = () =>
  Object.assign(new Error('offline: network access is disabled'), { code: 'ENETUNREACH' });

/** Replaces a function property; the replacements are looser than Node's overloaded types. */
const replace = (/** @type {object} */ target, /** @type {string} */ name, /** @type {Function} */ fn) => {
  Object.defineProperty(target, name, { value: fn, configurable: true, writable: true });
};

/** @this {net.Socket} */
function connectRefused() {
  process.nextTick(() => this.destroy(offlineError()));
  return this;
}
replace(net.Socket.prototype, 'connect', connectRefused);
replace(
  dns,
  'lookup',
  (/** @type {unknown} */ _host, /** @type {unknown} */ options, /** @type {unknown} */ callback) => {
    const done = /** @type {(error: Error) => void} */ (typeof options === 'function' ? options : callback);
    process.nextTick(() => done(offlineError()));
  },
);
replace(dns.promises, 'lookup', async () => {
  throw offlineError();
});
for (const Resolver of [dns.Resolver, dns.promises.Resolver]) {
  for (const method of Object.getOwnPropertyNames(Resolver.prototype)) {
    if (!method.startsWith('resolve') && method !== 'reverse') continue;
    replace(Resolver.prototype, method, (/** @type {unknown[]} */ ...args) => {
      const callback = args.at(-1);
      if (typeof callback === 'function') return void process.nextTick(() => callback(offlineError()));
      return Promise.reject(offlineError());
    });
  }
}
