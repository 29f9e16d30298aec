// The process's own state that requests need to see: draining after SIGTERM. One object, made by the
// server and passed to the app, so /health can answer "draining" the moment the signal arrives.
export class Lifecycle {
  #draining = false;

  startDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }
}
