/**
 * The fake contextBridge the built-bundle test relies on copies values as Electron documents
 * (https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support):
 * if it were kinder than the real one, the built-bundle test could pass where Electron fails.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createContextBridge } from '../../../helpers/electron-fake/context-bridge';

function worlds(): { isolated: vm.Context; main: vm.Context & Record<string, any> } {
  return { isolated: vm.createContext({}), main: vm.createContext({}) as any };
}

class CodedError extends Error {
  readonly code = 'forbidden';
}

describe('fake contextBridge', () => {
  it('a rejected Error arrives with its message only: the code is lost', async () => {
    const { isolated, main } = worlds();
    createContextBridge(isolated, main).exposeInMainWorld('api', {
      fail: async () => {
        throw new CodedError('set by env');
      },
      failNow: () => {
        throw new CodedError('at once');
      },
    });
    const rejected = await main['api'].fail().catch((e: unknown) => e);
    expect(rejected.message).toBe('set by env');
    expect(rejected.code).toBeUndefined();
    expect(rejected).toBeInstanceOf(vm.runInContext('Error', main));
    let thrown: any;
    try {
      main['api'].failNow();
    } catch (e) {
      thrown = e;
    }
    expect(thrown.message).toBe('at once');
    expect(thrown.code).toBeUndefined();
  });

  it('plain data keeps every key, in objects of the page world; prototypes are dropped', async () => {
    const { isolated, main } = worlds();
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      sum(): number {
        return this.x + this.y;
      }
    }
    createContextBridge(isolated, main).exposeInMainWorld('api', {
      result: async () => ({ ok: false, error: { code: 'forbidden', message: 'no' } }),
      point: () => new Point(1, 2),
    });
    const r = await main['api'].result();
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: 'no' } });
    expect(Object.getPrototypeOf(r.error)).toBe(vm.runInContext('Object.prototype', main));
    const p = main['api'].point();
    expect(p).toEqual({ x: 1, y: 2 });
    expect(p.sum).toBeUndefined();
  });

  it('proxies callbacks both ways and drops a Promise nested in an object; refuses symbols', async () => {
    const { isolated, main } = worlds();
    const seen: unknown[] = [];
    createContextBridge(isolated, main).exposeInMainWorld('api', {
      subscribe: (listener: (e: unknown) => void) => {
        listener({ n: 1 });
        return () => seen.push('stopped');
      },
      nested: () => ({ later: Promise.resolve(1) }),
      symbol: () => Symbol('x'),
    });
    const events: unknown[] = [];
    const stop = main['api'].subscribe((e: unknown) => events.push(e));
    stop();
    expect(events).toEqual([{ n: 1 }]);
    expect(seen).toEqual(['stopped']);
    expect(main['api'].nested()).toEqual({ later: undefined });
    expect(() => main['api'].symbol()).toThrow(/could not be cloned/);
  });

  it('refuses to bind over an existing key', () => {
    const { isolated, main } = worlds();
    const bridge = createContextBridge(isolated, main);
    bridge.exposeInMainWorld('api', {});
    expect(() => bridge.exposeInMainWorld('api', {})).toThrow(/existing property/);
  });
});
