export { createLogger, type Logger, withCorrelation } from './logger';
