import { bodies, isObject, type Json, labelled, type TfFile } from './terraform-config';

/** Actions every Lambda role has whatever its code does: its log group and X-Ray tracing. */
export const BASELINE_LAMBDA_ACTIONS = new Set([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
]);

/** Policy document name of a function: webhook-handler → data.aws_iam_policy_document.webhook_handler. */
export const policyDocumentName = (functionKey: string) => functionKey.replaceAll('-', '_');

const actionsOfStatements = (statements: Json | undefined): string[] =>
  bodies(statements).flatMap((statement) => {
    const actions = statement.actions;
    if (Array.isArray(actions)) return actions.filter((a): a is string => typeof a === 'string');
    if (typeof actions === 'string') return [actions];
    return [];
  });

/** Every action a policy document grants, including its dynamic statements. */
export const documentActions = (files: readonly TfFile[], documentName: string): string[] | undefined => {
  const document = labelled(files, 'data').find(
    (d) => d.type === 'aws_iam_policy_document' && d.name === documentName,
  );
  if (document === undefined) return undefined;
  const dynamicStatements = isObject(document.body.dynamic)
    ? bodies(document.body.dynamic.statement).flatMap((d) => bodies(d.content))
    : [];
  return [...actionsOfStatements(document.body.statement), ...actionsOfStatements(dynamicStatements)];
};

/** Every action string in every IAM document of the configuration (policy documents and jsonencode'd policies). */
export const allPolicyActions = (files: readonly TfFile[]): string[] => {
  const actions: string[] = [];
  for (const document of labelled(files, 'data').filter((d) => d.type === 'aws_iam_policy_document')) {
    actions.push(...(documentActions(files, document.name) ?? []));
  }
  for (const file of files) {
    for (const match of file.text.matchAll(/\b(?:actions|Action)\s*=\s*(\[[^\]]*\]|"[^"]*")/g)) {
      for (const action of (match[1] ?? '').matchAll(/"([^"]+)"/g)) actions.push(action[1] ?? '');
    }
  }
  return actions;
};
