/** Types of scripts/build-if-stale.mjs (imported by its test). */
export interface BuildSpec {
  /** Files or folders, relative to the root, whose names and contents make the build's inputs. */
  inputs: string[];
  /** Folders or files under `inputs` that are not inputs. */
  exclude: string[];
  /** A file the build writes; missing means not built. */
  output: string;
  /** Where the inputs' hash is recorded after a successful build. */
  stamp: string;
  /** The tool, from node_modules/.bin. */
  bin: string;
  args: string[];
}

export const BUILDS: { server: BuildSpec; playground: BuildSpec };
export function inputsHash(build: BuildSpec, root?: string): string;
export function buildIfStale(root: string, builds: Record<string, BuildSpec>, options?: { force?: boolean; prepare?: boolean }): string[];
