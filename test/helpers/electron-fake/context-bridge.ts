/**
 * A faithful contextBridge between two vm contexts (the preload's isolated world and the page's
 * main world), copying values the way Electron documents it: primitives as they are; plain
 * objects and arrays copied key by key into the other world (prototypes dropped); functions
 * proxied (arguments and results copied on every call); a Promise proxied only as a return value
 * or an argument (nested in an object it is dropped); an Error copied with its message only, so
 * `code` and any other property are lost; a symbol refused. Plain Node (erasable TypeScript):
 * it runs under `node` directly in the built-bundle test, and under Vitest in its own test.
 */
import { types } from 'node:util';
import vm from 'node:vm';

interface Realm {
  readonly Object: ObjectConstructor;
  readonly Array: ArrayConstructor;
  readonly Promise: PromiseConstructor;
  readonly Error: ErrorConstructor;
  readonly Date: DateConstructor;
  readonly proxy: (target: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown;
}

const realms = new WeakMap<object, Realm>();

function realmOf(context: vm.Context): Realm {
  let realm = realms.get(context);
  if (!realm) {
    realm = vm.runInContext(
      `({ Object, Array, Promise, Error, Date,
          proxy: (target) => function () { return target(...arguments); } })`,
      context,
    ) as Realm;
    realms.set(context, realm);
  }
  return realm;
}

/** Copies `value` from world `from` into world `to`, as contextBridge does. */
export function copyAcross(
  value: unknown,
  from: vm.Context,
  to: vm.Context,
  nested = false,
): unknown {
  const realm = realmOf(to);
  const seen = new Map<object, unknown>();

  const copy = (v: unknown, isNested: boolean): unknown => {
    if (v === null || v === undefined) return v;
    switch (typeof v) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'bigint':
        return v;
      case 'symbol':
        throw new TypeError('An object could not be cloned.');
      case 'function': {
        const fn = v as (...args: unknown[]) => unknown;
        return realm.proxy((...args: unknown[]) => {
          const inner = args.map((a) => copyAcross(a, to, from));
          let result: unknown;
          try {
            result = fn(...inner);
          } catch (error) {
            throw copyError(error, realm);
          }
          return copyAcross(result, from, to);
        });
      }
      default:
        break;
    }
    const obj = v as object;
    if (types.isPromise(obj)) {
      if (isNested) return undefined;
      return new realm.Promise((resolve, reject) => {
        (obj as Promise<unknown>).then(
          (r) => resolve(copyAcross(r, from, to)),
          (e: unknown) => reject(copyError(e, realm)),
        );
      });
    }
    if (types.isNativeError(obj)) return copyError(obj, realm);
    if (types.isDate(obj)) return new realm.Date((obj as Date).getTime());
    if (seen.has(obj)) return seen.get(obj);
    if (Array.isArray(obj)) {
      const out = new realm.Array();
      seen.set(obj, out);
      for (const item of obj) out.push(copy(item, true));
      return out;
    }
    const out = new realm.Object() as Record<string, unknown>;
    seen.set(obj, out);
    for (const key of Object.keys(obj))
      out[key] = copy((obj as Record<string, unknown>)[key], true);
    return out;
  };

  return copy(value, nested);
}

/** An Error crosses with its message only (its class, `code` and other properties are lost). */
function copyError(error: unknown, realm: Realm): Error {
  const message = types.isNativeError(error) ? (error as Error).message : String(error);
  return new realm.Error(message);
}

export interface ContextBridge {
  exposeInMainWorld(key: string, api: unknown): void;
}

export function createContextBridge(isolated: vm.Context, main: vm.Context): ContextBridge {
  return {
    exposeInMainWorld(key, api) {
      if (typeof key !== 'string' || key.length === 0) throw new TypeError('invalid key');
      const target = main as Record<string, unknown>;
      if (key in target)
        throw new Error(`Cannot bind an API on top of an existing property "${key}"`);
      Object.defineProperty(target, key, {
        value: copyAcross(api, isolated, main),
        enumerable: true,
        writable: false,
        configurable: false,
      });
    },
  };
}
