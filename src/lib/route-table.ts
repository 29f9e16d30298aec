import type { Express } from 'express';

/** One method and path the app answers, with the handlers the route itself declares. */
export interface RouteEntry {
  method: string;
  path: string;
  handlers: ((...args: never[]) => unknown)[];
}

// Express 5's router keeps its layers on `stack`; a layer is a route, a mounted router or middleware.
interface Layer {
  rawPath?: unknown;
  handle: ((...args: never[]) => unknown) & { stack?: Layer[] };
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: Layer['handle'] }[] };
}

const joined = (prefix: string, path: unknown): string => {
  const p = typeof path === 'string' ? path : String(path);
  return p === '/' ? prefix || '/' : `${prefix}${p}`;
};

function walk(stack: Layer[], prefix: string, into: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods))
        into.push({
          method: method.toUpperCase(),
          path: joined(prefix, layer.route.path),
          handlers: layer.route.stack.map((l) => l.handle),
        });
    } else if (Array.isArray(layer.handle.stack)) {
      walk(layer.handle.stack, layer.rawPath === '/' ? prefix : joined(prefix, layer.rawPath), into);
    }
  }
}

/** Every route the app declares, mounted routers included: for start-up checks and access tests. */
export function routeTable(app: Express): RouteEntry[] {
  const entries: RouteEntry[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', entries);
  return entries;
}
