import type { Command } from 'commander';
import { createCapstanClient, type CapstanClient } from '../sdk/client.ts';
import { nodeHttpPost } from '../sdk/node-http.ts';
import { CliError } from './cli-error.ts';
import { configPath, readConfig, resolveSettings, type ConnectionSettings } from './config.ts';

/** Where a command reads and writes: the process' streams and environment, or a test's. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** Global flags every command accepts. */
export interface GlobalOptions {
  server?: string;
  token?: string;
  namespace?: string;
}

/**
 * What one command run works with: the connection settings (flags over environment over ~/.capstan/config) and a
 * client created on first use, closed by `main` when the command ends.
 */
export class Session {
  private client?: CapstanClient;

  private constructor(
    readonly io: CliIo,
    readonly settings: ConnectionSettings,
    readonly configFile: string,
  ) {}

  static async create(io: CliIo, command: Command): Promise<Session> {
    const flags = command.optsWithGlobals<GlobalOptions>();
    const file = configPath(io.env);
    const settings = resolveSettings(flags, io.env, await readConfig(file));
    return new Session(io, settings, file);
  }

  /** The SDK client for the configured server; refuses to go on without a token, since the server would too. */
  api(): CapstanClient {
    if (!this.client) {
      if (!this.settings.token) {
        throw new CliError(
          `no token: pass --token, set CAPSTAN_TOKEN, or run "capstan up" once to write ${this.configFile}`,
        );
      }
      this.client = createCapstanClient({ url: this.settings.server, token: this.settings.token, post: nodeHttpPost });
    }
    return this.client;
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }
}

/** Runs a command action with a session that is closed however the action ends. */
export function withSession<A extends unknown[]>(
  io: CliIo,
  action: (session: Session, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const session = await Session.create(io, command);
    try {
      await action(session, ...args);
    } finally {
      await session.close();
    }
  };
}
