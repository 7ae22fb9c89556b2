/**
 * fast-check generators derived from zod schemas, for fuzzing a peer with messages shaped like the
 * protocol's (`validOf`: values that mostly pass the schema) and malformed ones (`malformedOf`:
 * such a value with one field dropped, retyped or pushed past its bounds).
 *
 * It reads zod 4's schema definitions (`_zod.def`): objects, strings with length and pattern
 * checks, numbers with bounds, literals, enums, arrays, unions, optional, nullable, booleans and
 * pipes. Anything else becomes an arbitrary JSON value, which is what a hostile peer would send.
 */
import fc from 'fast-check';

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Record<string, Schema>;
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, string>;
  readonly element?: Schema;
  readonly options?: readonly Schema[];
  readonly innerType?: Schema;
  readonly in?: Schema;
}
interface CheckDef {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
}
/** The part of a zod schema this reads. */
export interface Schema {
  readonly _zod: { readonly def: Def };
}

/** Strings stay short unless a schema asks for long ones, so 10 000 messages stay a few MB. */
const TYPICAL_STRING = 200;

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((check) => check._zod.def);
}

function stringOf(def: Def): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const pattern = checks.find((check) => check.format === 'regex')?.pattern;
  if (pattern) return fc.stringMatching(pattern);
  const minLength = checks.find((check) => check.check === 'min_length')?.minimum ?? 0;
  const maxLength = checks.find((check) => check.check === 'max_length')?.maximum ?? TYPICAL_STRING;
  const typical = fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, TYPICAL_STRING) });
  // Now and then one as long as allowed, of any code units (lone surrogates, controls, bidi).
  const longest = fc.string({ unit: 'binary', minLength: maxLength, maxLength });
  return maxLength > TYPICAL_STRING
    ? fc.oneof({ arbitrary: typical, weight: 20 }, { arbitrary: longest, weight: 1 })
    : typical;
}

function numberOf(def: Def): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const integer = checks.some((check) => check.format === 'safeint' || check.format === 'int32');
  const low = checks.find((check) => check.check === 'greater_than')?.value ?? -Number.MAX_SAFE_INTEGER;
  const high = checks.find((check) => check.check === 'less_than')?.value ?? Number.MAX_SAFE_INTEGER;
  const edges = fc.constantFrom(low, high, Math.max(low, 0), Math.min(high, 1));
  const inRange = integer
    ? fc.integer({
        min: Math.max(low, Number.MIN_SAFE_INTEGER),
        max: Math.min(high, Number.MAX_SAFE_INTEGER),
      })
    : fc.double({ min: low, max: high, noNaN: true });
  return fc.oneof(inRange, edges);
}

/** Values shaped like `schema` (most pass it; strings and numbers probe its bounds). */
export function validOf(schema: Schema): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return stringOf(def);
    case 'number':
      return numberOf(def);
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'array': {
      const checks = checksOf(def);
      const minLength = checks.find((check) => check.check === 'min_length')?.minimum ?? 0;
      const maxLength = Math.min(checks.find((check) => check.check === 'max_length')?.maximum ?? 8, 8);
      return def.element
        ? fc.array(validOf(def.element), { minLength, maxLength: Math.max(minLength, maxLength) })
        : fc.constant([]);
    }
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter((key) => shape[key]?._zod.def.type !== 'optional');
      return fc.record(
        Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, validOf(value)])),
        { requiredKeys: required },
      );
    }
    case 'union':
      return fc.oneof(...(def.options ?? []).map(validOf));
    case 'optional':
      return def.innerType ? validOf(def.innerType) : fc.constant(undefined);
    case 'nullable':
      return def.innerType ? fc.option(validOf(def.innerType), { nil: null }) : fc.constant(null);
    case 'pipe':
      return def.in ? validOf(def.in) : fc.jsonValue();
    default:
      return fc.jsonValue();
  }
}

/** What a hostile peer puts where a field should be. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    -1,
    1.5,
    8_640_000_000_000_001,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    '',
    '..',
    '../../etc/passwd',
    '~',
    '$HOME',
    '\u202e',
    '\u0000',
    null,
    true,
    [],
    {},
  ),
  fc.string({ unit: 'binary', minLength: 1000, maxLength: 70_000 }),
);

/** A value shaped like `schema` with one thing wrong: a field dropped, retyped or out of bounds. */
export function malformedOf(schema: Schema): fc.Arbitrary<unknown> {
  return fc
    .tuple(validOf(schema), fc.nat(), hostileValue, fc.boolean())
    .map(([value, pick, replacement, drop]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return replacement;
      const record = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(record);
      const key = keys[pick % Math.max(keys.length, 1)];
      if (key === undefined) return { ...record, extra: replacement };
      if (drop) delete record[key];
      else record[key] = replacement;
      return record;
    });
}
