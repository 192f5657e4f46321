// eksctl's log lines (kris-nova/logger with eksctl's layout): `2006-01-02 15:04:05 [ℹ]  message`, on stdout.
// The verbosity levels follow eksctl's `-v`: 0 success only, 1 + critical, 2 + warnings, 3 (default) + info, 4+ debug.

export const LOG_ICONS = {
  debug: '▶',
  info: 'ℹ',
  success: '✔',
  warning: '!',
  critical: '✖',
} as const;

export type LogLevel = keyof typeof LOG_ICONS;

/** The lowest `-v` at which eksctl prints each kind of line. */
const MIN_VERBOSITY: Record<LogLevel, number> = { success: 0, critical: 1, warning: 2, info: 3, debug: 4 };

/** Local wall-clock time in Go's `2006-01-02 15:04:05` layout, as eksctl prints it. */
export function formatLogTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function formatLogLine(level: LogLevel, message: string, date: Date): string {
  return `${formatLogTime(date)} [${LOG_ICONS[level]}]  ${message}\n`;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  success(message: string): void;
  warning(message: string): void;
  critical(message: string): void;
}

export function createLogger(out: NodeJS.WritableStream, verbosity = 3, now: () => Date = () => new Date()): Logger {
  const write = (level: LogLevel) => (message: string) => {
    if (verbosity >= MIN_VERBOSITY[level]) out.write(formatLogLine(level, message, now()));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    success: write('success'),
    warning: write('warning'),
    critical: write('critical'),
  };
}
