/** The slice of pino the queues use, so tests and the CLI can pass any pino logger (or none). */
export interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentJobLogger: JobLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
