/**
 * Where keyboard focus goes after an action, so that it never falls back to the page's body
 * (where a keyboard or screen-reader user has to start over from the top).
 */

/** Whether focus has been lost: the element that had it went away (a button that unmounted). */
export function focusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body;
}

/**
 * After React has drawn the next screen: the main pane's primary control (marked `data-primary`:
 * the composer, "Show my code"), else its heading (focusable with tabIndex -1).
 */
export function focusMainPane(): void {
  requestAnimationFrame(() => {
    const primary = document.querySelector<HTMLElement>('.main [data-primary]:not(:disabled)');
    const target = primary ?? document.querySelector<HTMLElement>('.main h1');
    target?.focus();
  });
}

/** After React has drawn the next screen, focus what `find` returns (if it is there). */
export function focusSoon(find: () => HTMLElement | null | undefined): void {
  requestAnimationFrame(() => find()?.focus());
}
