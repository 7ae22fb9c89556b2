/**
 * The one call the deploy-file test makes of js-yaml (in node_modules through eslint and
 * electron-builder; it ships no types of its own).
 */
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
