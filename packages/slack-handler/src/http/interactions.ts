import { BadRequestError } from '@enterprise-agents/core/errors';
import { isPlainObject } from '@enterprise-agents/core/util';
import {
  ActionId,
  alreadyDecidedText,
  type ButtonValue,
  REJECT_REASON_ACTION,
  REJECT_REASON_BLOCK,
  REJECT_VIEW_CALLBACK,
} from '../domain/approvals';
import { clip, escapeText, simpleMessage } from '../domain/format';
import type { HttpServices } from './services';

type Obj = Record<string, unknown>;
const isObj = isPlainObject;

/** What the HTTP response to an interaction carries (Slack ignores bodies of block_actions). */
export type InteractionAnswer = { kind: 'ack' } | { kind: 'view-errors'; errors: Record<string, string> };

const MAX_REASON = 2000;

/** Parses the `payload` form field of an interaction. */
export const readInteraction = (form: URLSearchParams): Obj => {
  const raw = form.get('payload');
  if (raw === null) throw new BadRequestError('interaction without a payload field');
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch (error) {
    throw new BadRequestError('interaction payload is not valid JSON', error);
  }
  if (!isObj(payload) || typeof payload.type !== 'string')
    throw new BadRequestError('interaction payload has no type');
  return payload;
};

const userOf = (payload: Obj): string => {
  const user = payload.user;
  if (!isObj(user) || typeof user.id !== 'string' || user.id === '')
    throw new BadRequestError('interaction payload has no user.id');
  return user.id;
};

const buttonValue = (value: unknown): ButtonValue => {
  if (typeof value !== 'string') throw new BadRequestError('button without a value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new BadRequestError('button value is not valid JSON', error);
  }
  if (!isObj(parsed) || typeof parsed.taskId !== 'string' || !Number.isInteger(parsed.runId))
    throw new BadRequestError('button value must carry taskId and runId');
  return { taskId: parsed.taskId, runId: parsed.runId as number };
};

const rejectModal = (meta: {
  taskId: string;
  runId: number;
  channel?: string;
  externalKey: string;
}): Obj => ({
  type: 'modal',
  callback_id: REJECT_VIEW_CALLBACK,
  private_metadata: JSON.stringify({ taskId: meta.taskId, runId: meta.runId, channel: meta.channel }),
  title: { type: 'plain_text', text: 'Reject plan' },
  submit: { type: 'plain_text', text: 'Reject' },
  close: { type: 'plain_text', text: 'Cancel' },
  blocks: [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Why is the plan for *${escapeText(clip(meta.externalKey, 100))}* rejected? The agents and the team will see this.`,
      },
    },
    {
      type: 'input',
      block_id: REJECT_REASON_BLOCK,
      label: { type: 'plain_text', text: 'Reason' },
      element: {
        type: 'plain_text_input',
        action_id: REJECT_REASON_ACTION,
        multiline: true,
        min_length: 1,
        max_length: MAX_REASON,
      },
    },
  ],
});

const respondEphemeral = async (services: HttpServices, responseUrl: string | undefined, text: string) => {
  if (responseUrl === undefined) return;
  await services.responder.respond(responseUrl, {
    ...simpleMessage(text),
    responseType: 'ephemeral',
    replaceOriginal: false,
  });
};

const blockActions = async (services: HttpServices, payload: Obj): Promise<InteractionAnswer> => {
  const userId = userOf(payload);
  const actions = payload.actions;
  if (!Array.isArray(actions) || actions.length === 0 || !isObj(actions[0]))
    throw new BadRequestError('block_actions payload without actions');
  const action = actions[0];
  const responseUrl = typeof payload.response_url === 'string' ? payload.response_url : undefined;
  const channel =
    isObj(payload.channel) && typeof payload.channel.id === 'string' ? payload.channel.id : undefined;
  if (action.action_id === ActionId.Approve) {
    const value = buttonValue(action.value);
    if (responseUrl === undefined) throw new BadRequestError('block_actions payload without response_url');
    await services.followUps.enqueue({
      action: 'commandFollowUp',
      userId,
      reply: { responseUrl },
      work: {
        kind: 'decide',
        decision: 'approved',
        taskRef: value.taskId,
        runId: value.runId,
        via: 'button',
      },
    });
    return { kind: 'ack' };
  }
  if (action.action_id === ActionId.Reject) {
    const value = buttonValue(action.value);
    // The trigger_id expires after about 3 s, so the modal is opened here, not in the follow-up.
    const auth = await services.approvers.check(userId);
    if (!auth.allowed) {
      await respondEphemeral(services, responseUrl, `:lock: Not allowed: ${auth.reason}.`);
      return { kind: 'ack' };
    }
    const approval = await services.approvals.get(value.taskId);
    if (approval?.decision !== undefined && approval.runId === value.runId) {
      await respondEphemeral(services, responseUrl, `:information_source: ${alreadyDecidedText(approval)}`);
      return { kind: 'ack' };
    }
    const task = await services.tasks.get(value.taskId);
    const triggerId = typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined;
    if (task === undefined || triggerId === undefined) {
      await respondEphemeral(services, responseUrl, ':grey_question: That task no longer exists.');
      return { kind: 'ack' };
    }
    try {
      await services.slack.openView(
        triggerId,
        rejectModal({
          taskId: value.taskId,
          runId: value.runId,
          externalKey: task.externalKey,
          ...(channel === undefined ? {} : { channel }),
        }),
      );
    } catch (error) {
      services.logger.warn({ err: error, taskId: value.taskId }, 'could not open the reject dialog');
      await respondEphemeral(
        services,
        responseUrl,
        `:warning: Could not open the reason dialog. Use \`/agent reject ${task.externalKey} <reason>\` instead.`,
      );
    }
    return { kind: 'ack' };
  }
  services.logger.info({ actionId: action.action_id }, 'ignoring an unknown action');
  return { kind: 'ack' };
};

const viewSubmission = async (services: HttpServices, payload: Obj): Promise<InteractionAnswer> => {
  const userId = userOf(payload);
  const view = payload.view;
  if (!isObj(view)) throw new BadRequestError('view_submission payload without a view');
  if (view.callback_id !== REJECT_VIEW_CALLBACK) {
    services.logger.info({ callbackId: view.callback_id }, 'ignoring an unknown view');
    return { kind: 'ack' };
  }
  let meta: unknown;
  try {
    meta = JSON.parse(typeof view.private_metadata === 'string' ? view.private_metadata : '');
  } catch (error) {
    throw new BadRequestError('reject dialog metadata is not valid JSON', error);
  }
  if (!isObj(meta) || typeof meta.taskId !== 'string' || !Number.isInteger(meta.runId))
    throw new BadRequestError('reject dialog metadata must carry taskId and runId');
  const state = isObj(view.state) && isObj(view.state.values) ? view.state.values : {};
  const block = state[REJECT_REASON_BLOCK];
  const input = isObj(block) ? block[REJECT_REASON_ACTION] : undefined;
  const reason = isObj(input) && typeof input.value === 'string' ? input.value.trim() : '';
  if (reason === '')
    return { kind: 'view-errors', errors: { [REJECT_REASON_BLOCK]: 'Please say why the plan is rejected.' } };
  if (reason.length > MAX_REASON)
    return {
      kind: 'view-errors',
      errors: { [REJECT_REASON_BLOCK]: `Keep it under ${MAX_REASON} characters.` },
    };
  const channel = typeof meta.channel === 'string' ? meta.channel : undefined;
  await services.followUps.enqueue({
    action: 'commandFollowUp',
    userId,
    // A modal has no response_url: results go to the user as an ephemeral message in the channel.
    reply: channel === undefined ? { channel: userId, user: userId } : { channel, user: userId },
    work: {
      kind: 'decide',
      decision: 'rejected',
      taskRef: meta.taskId,
      runId: meta.runId as number,
      reason,
      via: 'modal',
    },
  });
  return { kind: 'ack' };
};

/** Handles a verified interaction: the approval buttons and the reject-reason dialog. */
export const handleInteraction = async (services: HttpServices, payload: Obj): Promise<InteractionAnswer> => {
  switch (payload.type) {
    case 'block_actions':
      return blockActions(services, payload);
    case 'view_submission':
      return viewSubmission(services, payload);
    default:
      services.logger.info({ type: payload.type }, 'ignoring an interaction type');
      return { kind: 'ack' };
  }
};
