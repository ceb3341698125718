// Preloaded into the action's process by a test (`node --expose-gc -r <this>`): collects garbage
// every 50 ms, so what only a weak reference holds (an abort signal inside a Request) is dropped.
globalThis.setInterval(() => globalThis.gc(), 50).unref();
