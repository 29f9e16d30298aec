// One limit on how much of one kind of work runs at once in this instance.
import { UploadFileError } from './spreadsheet.js';

/**
 * Work of one kind done at once by this instance (files checked, exports streamed): more would only
 * share the same two cores, memory and connections. A caller over the limit waits its turn, and after
 * `waitMs` is refused with the `busy` error.
 */
export class Gate {
  private active = 0;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly atOnce: number,
    private readonly waitMs = 15_000,
    private readonly busy: () => Error = () =>
      new UploadFileError('Other files are being checked at the moment. Try again in a minute'),
  ) {}

  /** Runs `work` when a place is free; refuses with a message after waiting `waitMs`. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.atOnce) {
      const admitted = await new Promise<boolean>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          this.waiting = this.waiting.filter((w) => w !== wake);
          resolve(false);
        }, this.waitMs);
        this.waiting.push(wake);
      });
      if (!admitted) throw this.busy();
    } else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
