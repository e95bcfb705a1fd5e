import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Fields every log line written while handling one request carries (set by the HTTP server per request). */
export interface LogContext {
  requestId?: string;
}

/**
 * The request a log line belongs to. The API server runs each HTTP request inside `logContext.run(...)`, so a
 * line logged deep inside a resolver or the store still names its request id without passing a logger around.
 */
export const logContext = new AsyncLocalStorage<LogContext>();

/**
 * A pino logger writing JSON lines to stdout. Level: `options.level`, else `CAPSTAN_LOG_LEVEL`, else `info`
 * (`silent` under vitest unless `CAPSTAN_LOG_LEVEL` says otherwise, so test output stays readable).
 * `destination` replaces stdout (tests read log lines from it). On a terminal, or with `CAPSTAN_LOG_FORMAT=pretty`,
 * lines are printed for people instead (`CAPSTAN_LOG_FORMAT=json` keeps JSON on a terminal).
 */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const level = options.level ?? process.env.CAPSTAN_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
  const settings: LoggerOptions = {
    base: { pid: process.pid },
    ...options,
    level,
    mixin: () => logContext.getStore() ?? {},
  };
  if (destination) return pino(settings, destination);
  const format = process.env.CAPSTAN_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino(
      settings,
      pretty({ colorize: process.stdout.isTTY, ignore: 'pid,hostname', singleLine: true, sync: true }),
    );
  }
  return pino(settings);
}

/** The process-wide logger; components take `logger.child({ component: 'scheduler' })`. */
export const logger: Logger = createLogger();
