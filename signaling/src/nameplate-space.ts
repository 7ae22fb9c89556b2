/**
 * The nameplate space as numbers: every nameplate has an index, shorter ones first, so "the lowest
 * free nameplate" is the lowest free index, and the space grows a symbol longer exactly when every
 * shorter nameplate is taken (as magic-wormhole numbers its nameplates 1, 2, 3…).
 *
 *   index 0..30      → "2" … "Z"        (one symbol)
 *   index 31..991    → "22" … "ZZ"      (two symbols)
 *   …
 *
 * Allocating the lowest free index means the space cannot be exhausted (it only gets longer), and
 * that codes stay as short as the service's load allows. The space's size is bounded by what the
 * service lets clients hold open (per-connection and per-address caps), not by the alphabet.
 */
import { CODE_ALPHABET, MAX_NAMEPLATE_LENGTH, MIN_NAMEPLATE_LENGTH } from '../../contracts/pairing-code';

const BASE = CODE_ALPHABET.length;

/** How many nameplates exist with fewer than `length` symbols (and at least the minimum). */
function countShorterThan(length: number): number {
  let count = 0;
  for (let l = MIN_NAMEPLATE_LENGTH; l < length; l++) count += BASE ** l;
  return count;
}

/** One past the largest index: every nameplate up to MAX_NAMEPLATE_LENGTH symbols. */
export const NAMEPLATE_SPACE_SIZE = countShorterThan(MAX_NAMEPLATE_LENGTH + 1);

export function nameplateAt(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= NAMEPLATE_SPACE_SIZE) {
    throw new RangeError(`no nameplate has index ${index}`);
  }
  let length = MIN_NAMEPLATE_LENGTH;
  let offset = index;
  while (offset >= BASE ** length) {
    offset -= BASE ** length;
    length++;
  }
  let text = '';
  for (let position = 0; position < length; position++) {
    text = CODE_ALPHABET.charAt(offset % BASE) + text;
    offset = Math.floor(offset / BASE);
  }
  return text;
}

/** The index of a valid nameplate (see `isNameplate`); undefined for anything else. */
export function indexOfNameplate(nameplate: string): number | undefined {
  if (nameplate.length < MIN_NAMEPLATE_LENGTH || nameplate.length > MAX_NAMEPLATE_LENGTH) return undefined;
  let offset = 0;
  for (const symbol of nameplate) {
    const digit = CODE_ALPHABET.indexOf(symbol);
    if (digit < 0) return undefined;
    offset = offset * BASE + digit;
  }
  return countShorterThan(nameplate.length) + offset;
}

/**
 * Hands out the lowest free index. Freed indices wait in a binary min-heap; `next` is the lowest
 * index never handed out. An index taken by name (`claim`) may also sit in the heap or equal
 * `next`: both are skipped lazily at allocation, so every operation stays O(log n).
 */
export class LowestFreeAllocator {
  private readonly heap: number[] = [];
  private readonly inHeap = new Set<number>();
  private readonly taken = new Set<number>();
  private next = 0;

  get size(): number {
    return this.taken.size;
  }

  isTaken(index: number): boolean {
    return this.taken.has(index);
  }

  /** The lowest free index, now taken; undefined once the whole space is taken. */
  allocate(): number | undefined {
    while (this.heap.length > 0) {
      const lowest = this.popHeap();
      if (!this.taken.has(lowest)) {
        this.taken.add(lowest);
        return lowest;
      }
    }
    while (this.next < NAMEPLATE_SPACE_SIZE) {
      const fresh = this.next++;
      if (!this.taken.has(fresh)) {
        this.taken.add(fresh);
        return fresh;
      }
    }
    return undefined;
  }

  /** Takes exactly `index`; false when it is already taken. */
  claim(index: number): boolean {
    if (this.taken.has(index)) return false;
    this.taken.add(index);
    return true;
  }

  release(index: number): void {
    if (!this.taken.delete(index)) return;
    if (index >= this.next || this.inHeap.has(index)) return;
    this.pushHeap(index);
  }

  private pushHeap(value: number): void {
    const heap = this.heap;
    this.inHeap.add(value);
    heap.push(value);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const parentValue = heap[parent] as number;
      if (parentValue <= value) break;
      heap[child] = parentValue;
      child = parent;
    }
    heap[child] = value;
  }

  private popHeap(): number {
    const heap = this.heap;
    const top = heap[0] as number;
    const last = heap.pop() as number;
    this.inHeap.delete(top);
    if (heap.length === 0) return top;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const smaller = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
      const smallerValue = heap[smaller] as number;
      if (smallerValue >= last) break;
      heap[parent] = smallerValue;
      parent = smaller;
    }
    heap[parent] = last;
    return top;
  }
}
