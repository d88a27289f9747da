export {
  type ActionContext,
  ActionError,
  type ActionGroupEvent,
  type ActionGroupResponse,
  createActionGroupHandler,
  fitResponse,
  isActionGroupEvent,
  listSchemaOperations,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiSchemaObject,
  type OperationHandler,
} from './action-group';
