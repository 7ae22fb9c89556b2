/**
 * The one call the deploy-file test makes of js-yaml (a devDependency that ships no types of its
 * own; @types/js-yaml would be a second package for one function).
 */
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
