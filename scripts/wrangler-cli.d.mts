// Types for wrangler-cli.mjs, so TypeScript tests can reuse it.
import type { ChildProcess } from "node:child_process";

export declare const root: string;
export declare function runWrangler(
  args: string[],
  options?: { capture?: boolean; env?: Record<string, string> },
): { status: number; stdout: string; stderr: string };
export declare function startWrangler(args: string[], options?: { env?: Record<string, string> }): ChildProcess;
export declare function configForPersistDir(persistTo: string): { configPath: string; cleanup: () => void };
