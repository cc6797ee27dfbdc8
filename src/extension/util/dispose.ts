/**
 * A minimal Disposable base: every feature object registers what it creates with
 * `_register()` and releases all of it, in reverse order, when disposed.
 */
export interface IDisposable {
  dispose(): void;
}

export abstract class Disposable implements IDisposable {
  private readonly disposables: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends IDisposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch {
        // one failing disposal must not keep the others alive
      }
    }
  }
}

/** Wraps a function as a disposable (timers, listeners on plain emitters). */
export function toDisposable(fn: () => void): IDisposable {
  return { dispose: fn };
}
