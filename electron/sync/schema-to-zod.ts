/**
 * A zod validator built from a collection's RxDB JSON schema, so what the hub accepts from a peer
 * is exactly what the collection declares (one definition; a schema change cannot leave the
 * validator behind). Stricter than JSON Schema's defaults on purpose: unknown properties are
 * refused, and a keyword this converter does not know throws when the validator is built rather
 * than being ignored at run time.
 */
import { z } from 'zod';

interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchemaNode;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly multipleOf?: number;
  readonly maxItems?: number;
  readonly enum?: readonly (string | number | boolean)[];
  readonly [keyword: string]: unknown;
}

/** Keywords that describe (not constrain) or that RxDB uses for its own bookkeeping. */
const IGNORED = new Set([
  'title',
  'description',
  'version',
  'primaryKey',
  'indexes',
  'final',
  'default',
  'keyCompression',
  'encrypted',
  'attachments',
  'additionalProperties',
  'internalIndexes',
]);
const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'items',
  'maxLength',
  'minLength',
  'minimum',
  'maximum',
  'multipleOf',
  'maxItems',
  'enum',
]);

export function jsonSchemaToZod(node: JsonSchemaNode, path = '$'): z.ZodType {
  for (const keyword of Object.keys(node)) {
    if (!KNOWN.has(keyword) && !IGNORED.has(keyword)) {
      throw new Error(`schema-to-zod: unsupported keyword "${keyword}" at ${path}`);
    }
  }
  if (node.enum !== undefined) {
    return z.unknown().refine((v) => node.enum!.includes(v as never), {
      message: `must be one of ${node.enum.join(', ')}`,
    });
  }
  const type = Array.isArray(node.type) ? undefined : (node.type as string | undefined);
  switch (type) {
    case 'string': {
      let s = z.string();
      if (node.maxLength !== undefined) s = s.max(node.maxLength);
      if (node.minLength !== undefined) s = s.min(node.minLength);
      return s;
    }
    case 'integer':
    case 'number': {
      let n = type === 'integer' ? z.number().int() : z.number();
      if (node.minimum !== undefined) n = n.min(node.minimum);
      if (node.maximum !== undefined) n = n.max(node.maximum);
      if (node.multipleOf !== undefined && node.multipleOf !== 1) n = n.multipleOf(node.multipleOf);
      return n.refine(Number.isFinite, { message: 'must be finite' });
    }
    case 'boolean':
      return z.boolean();
    case 'array': {
      if (!node.items) throw new Error(`schema-to-zod: array without items at ${path}`);
      let a = z.array(jsonSchemaToZod(node.items, `${path}[]`));
      if (node.maxItems !== undefined) a = a.max(node.maxItems);
      return a;
    }
    case 'object': {
      if (!node.properties) {
        // A free-form object (e.g. a settings value): any JSON object, but never a prototype key.
        return z.record(z.string(), z.unknown()).refine(noPrototypeKeys, {
          message: 'forbidden key',
        });
      }
      const required = new Set(node.required ?? []);
      const shape: Record<string, z.ZodType> = {};
      for (const [key, child] of Object.entries(node.properties)) {
        const v = jsonSchemaToZod(child, `${path}.${key}`);
        shape[key] = required.has(key) ? v : v.optional();
      }
      return z.strictObject(shape);
    }
    default:
      throw new Error(`schema-to-zod: unsupported type ${JSON.stringify(node.type)} at ${path}`);
  }
}

function noPrototypeKeys(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return false;
    if (!noPrototypeKeys((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * A quick check built from the same schema: true only for a value the zod validator of
 * `jsonSchemaToZod` accepts too (never true for one it refuses). False means "not sure", and the
 * caller asks zod, which also words the refusal; so it only saves zod's generic machinery (and
 * its copy of the value) on the common, well-formed document. Conservative where zod's rules
 * are subtle: plain objects only, safe integers only, `multipleOf` other than 1 never quick.
 */
export function jsonSchemaQuickCheck(node: JsonSchemaNode): (value: unknown) => boolean {
  if (node.enum !== undefined) {
    const allowed = node.enum;
    return (v) => allowed.includes(v as never);
  }
  const type = Array.isArray(node.type) ? undefined : (node.type as string | undefined);
  switch (type) {
    case 'string': {
      const max = node.maxLength ?? Infinity;
      const min = node.minLength ?? 0;
      return (v) => typeof v === 'string' && v.length <= max && v.length >= min;
    }
    case 'integer':
    case 'number': {
      if (node.multipleOf !== undefined && node.multipleOf !== 1) return () => false;
      const min = node.minimum ?? -Infinity;
      const max = node.maximum ?? Infinity;
      const whole = type === 'integer';
      return (v) =>
        typeof v === 'number' &&
        (whole ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
        v >= min &&
        v <= max;
    }
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'array': {
      if (!node.items) return () => false;
      const item = jsonSchemaQuickCheck(node.items);
      const maxItems = node.maxItems ?? Infinity;
      return (v) => {
        if (!Array.isArray(v) || v.length > maxItems) return false;
        for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
        return true;
      };
    }
    case 'object': {
      if (!node.properties) {
        return (v) =>
          isPlainObject(v) && Object.getOwnPropertySymbols(v).length === 0 && noPrototypeKeys(v);
      }
      const required = new Set(node.required ?? []);
      const fields = Object.entries(node.properties).map(([key, child]) => ({
        key,
        required: required.has(key),
        check: jsonSchemaQuickCheck(child),
      }));
      const known = new Set(fields.map((f) => f.key));
      return (v) => {
        if (!isPlainObject(v)) return false;
        const o = v as Record<string, unknown>;
        for (const f of fields) {
          const value = o[f.key];
          if (value === undefined) {
            if (f.required) return false;
          } else if (!f.check(value)) return false;
        }
        // No other key (the prototype is Object's: nothing inherited is enumerable).
        for (const key of Object.keys(o)) if (!known.has(key)) return false;
        return true;
      };
    }
    default:
      return () => false;
  }
}

/** A JSON-like object: not an array, its prototype Object's, no own `__proto__` trickery. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype
  );
}
