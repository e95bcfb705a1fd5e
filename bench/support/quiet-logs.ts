/**
 * Imported first by benchmarks that start Capstan components: their loggers are created when their modules load,
 * so the level must be in the environment before that. Warnings and errors still show; info lines would drown the
 * measurements.
 */
process.env.CAPSTAN_LOG_LEVEL ??= 'warn';
