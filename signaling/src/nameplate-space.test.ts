import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, isNameplate, MAX_NAMEPLATE_LENGTH } from '../../contracts/pairing-code';
import { indexOfNameplate, LowestFreeAllocator, NAMEPLATE_SPACE_SIZE, nameplateAt } from './nameplate-space';

describe('nameplate space', () => {
  it('numbers nameplates shortest first, in alphabet order', () => {
    expect(nameplateAt(0)).toBe(CODE_ALPHABET[0]);
    expect(nameplateAt(30)).toBe(CODE_ALPHABET[30]);
    expect(nameplateAt(31)).toBe(`${CODE_ALPHABET[0]}${CODE_ALPHABET[0]}`);
    expect(nameplateAt(31 + 31 * 31)).toHaveLength(3);
    expect(nameplateAt(NAMEPLATE_SPACE_SIZE - 1)).toBe('Z'.repeat(MAX_NAMEPLATE_LENGTH));
    expect(() => nameplateAt(NAMEPLATE_SPACE_SIZE)).toThrow(RangeError);
  });

  it('maps every index to a valid nameplate and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: NAMEPLATE_SPACE_SIZE - 1 }), (index) => {
        const nameplate = nameplateAt(index);
        expect(isNameplate(nameplate)).toBe(true);
        expect(indexOfNameplate(nameplate)).toBe(index);
      }),
    );
    expect(indexOfNameplate('K0')).toBeUndefined();
    expect(indexOfNameplate('')).toBeUndefined();
  });

  it('always hands out the lowest free index, whatever was released or claimed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant({ op: 'allocate' as const, index: 0 }),
            fc.record({ op: fc.constant('release' as const), index: fc.integer({ min: 0, max: 60 }) }),
            fc.record({ op: fc.constant('claim' as const), index: fc.integer({ min: 0, max: 60 }) }),
          ),
          { maxLength: 200 },
        ),
        (steps) => {
          const allocator = new LowestFreeAllocator();
          const taken = new Set<number>();
          for (const { op, index } of steps) {
            if (op === 'allocate') {
              let lowest = 0;
              while (taken.has(lowest)) lowest++;
              expect(allocator.allocate()).toBe(lowest);
              taken.add(lowest);
            } else if (op === 'release') {
              allocator.release(index);
              taken.delete(index);
            } else {
              expect(allocator.claim(index)).toBe(!taken.has(index));
              taken.add(index);
            }
            expect(allocator.size).toBe(taken.size);
          }
        },
      ),
    );
  });
});
