/**
 * GraphiQL stores its tabs in localStorage without their headers (headers
 * may hold credentials and are not persisted). When the server gives default
 * headers (the simulator's demo credentials), a reloaded page would lose
 * them; this storage puts them back into every stored tab left without
 * headers, so the demo keeps working after a reload.
 */
const TABS_KEY = 'graphiql:tabState';

export function storageWithDefaultHeaders(base: Storage, defaultHeaders: string): Storage {
  return {
    get length() {
      return base.length;
    },
    key: (index) => base.key(index),
    getItem(key) {
      const value = base.getItem(key);
      if (key !== TABS_KEY || value === null) return value;
      try {
        const state = JSON.parse(value) as { tabs?: { headers?: string | null }[] };
        for (const tab of state.tabs ?? []) {
          if (!tab.headers?.trim()) tab.headers = defaultHeaders;
        }
        return JSON.stringify(state);
      } catch {
        return value;
      }
    },
    setItem: (key, value) => base.setItem(key, value),
    removeItem: (key) => base.removeItem(key),
    clear: () => base.clear(),
  };
}
