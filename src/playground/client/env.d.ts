// Module declarations for Vite's import suffixes, so the client type-checks
// without pulling vite/client into the server's program.

declare module '*?worker' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}
