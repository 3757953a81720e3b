/** The machine and the package versions a result was measured with. */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  let distro = '';
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    // Not Linux, or no os-release: the kernel line below still says what it is.
  }
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    os: `${distro ? `${distro}, ` : ''}${osType()} ${release()}`,
  };
}

export const REPORTED_PACKAGES = ['@apollo/server', 'graphql', 'graphql-ws', 'ws', 'got', 'cometd', 'cometd-nodejs-client', 'faye', 'express'] as const;

/** Installed versions, read from node_modules (what ran, not what package.json allows). */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) {
    try {
      const pkg = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version?: string };
      versions[name] = pkg.version ?? '?';
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}
