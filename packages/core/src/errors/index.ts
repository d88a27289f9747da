export {
  AppError,
  BadRequestError,
  BudgetExceededError,
  ConfigError,
  ConflictError,
  HttpError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
} from './errors';
