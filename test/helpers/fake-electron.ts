/**
 * Small fakes of the Electron objects the glue uses: an ipcMain/ipcRenderer pair wired together
 * (with structured cloning, as real IPC does), webContents with frames, and event objects.
 */
import { EventEmitter } from 'node:events';
import type {
  FrameLike,
  IpcEventLike,
  IpcLike,
  WebContentsLike,
} from '../../electron/main/ipc-binding';
import type { IpcRendererLike } from '../../electron/preload/ipc-transport';

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame: FrameLike;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  /** Where sent messages go (the renderer side), if connected. */
  deliver: ((channel: string, args: unknown[]) => void) | undefined;

  constructor(url: string) {
    super();
    this.mainFrame = { url, processId: 7, routingId: this.id * 10 };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = structuredClone(args);
    this.sent.push({ channel, args: cloned });
    this.deliver?.(channel, cloned);
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeIpcMain implements IpcLike {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Set<Handler>>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Handler): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Handler): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** What ipcRenderer.invoke does: no handler is a rejection, as in Electron. */
  async invoke(event: IpcEventLike, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
  emitMessage(event: IpcEventLike, channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...structuredClone(args));
  }
}

/** An ipcRenderer living in `contents`' main frame (or in `frame`, e.g. an iframe). */
export function connectRenderer(
  ipcMain: FakeIpcMain,
  contents: FakeWebContents,
  frame: FrameLike | null = contents.mainFrame,
): IpcRendererLike & { electronEvents: unknown[] } {
  const emitter = new EventEmitter();
  const electronEvents: unknown[] = [];
  contents.deliver = (channel, args) => {
    const electronEvent = { sender: 'ipcRenderer', ports: [] };
    electronEvents.push(electronEvent);
    emitter.emit(channel, electronEvent, ...args);
  };
  const event = (): IpcEventLike => ({ sender: contents, senderFrame: frame });
  return {
    electronEvents,
    invoke: (channel, ...args) => ipcMain.invoke(event(), channel, ...args),
    send: (channel, ...args) => ipcMain.emitMessage(event(), channel, ...args),
    on: (channel, listener) => emitter.on(channel, listener),
  };
}

/** Resolves on the next turn of the event loop after pending IPC settled. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
