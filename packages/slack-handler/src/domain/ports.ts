/** A Block Kit block, as JSON. */
export type Block = Record<string, unknown>;

/** Text is the notification / accessibility fallback; blocks are what people see. */
export interface SlackMessage {
  text: string;
  blocks?: Block[];
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** The Slack Web API methods the handler uses. Implementations retry rate limits and 5xx. */
export interface SlackPort {
  postMessage(
    input: SlackMessage & { channel: string; threadTs?: string; replyBroadcast?: boolean },
  ): Promise<PostedMessage>;
  updateMessage(input: SlackMessage & { channel: string; ts: string }): Promise<void>;
  deleteMessage(channel: string, ts: string): Promise<void>;
  postEphemeral(input: SlackMessage & { channel: string; user: string; threadTs?: string }): Promise<void>;
  usergroupMembers(groupId: string): Promise<string[]>;
  openView(triggerId: string, view: Record<string, unknown>): Promise<void>;
}

/** A message sent to a Slack `response_url`. */
export interface ResponseUrlMessage extends SlackMessage {
  responseType?: 'ephemeral' | 'in_channel';
  replaceOriginal?: boolean;
}

/** Answers an interaction or command later, through its `response_url`. */
export interface ResponderPort {
  respond(responseUrl: string, message: ResponseUrlMessage): Promise<void>;
}

/** Where the result of a follow-up goes: the response_url, or an ephemeral message to the user. */
export type ReplyTarget = { responseUrl: string } | { channel: string; user: string };

/** Work that does not fit Slack's 3-second budget; runs in a second, asynchronous invocation. */
export type FollowUpWork =
  | {
      kind: 'decide';
      decision: 'approved' | 'rejected';
      /** A task id (buttons) or an external key (commands). */
      taskRef: string;
      /** The run the button belongs to; stale buttons of an earlier run are refused. */
      runId?: number;
      reason?: string;
      /** Buttons and modals already show the outcome on the message; commands need a reply. */
      via: 'command' | 'button' | 'modal';
    }
  | { kind: 'stop'; taskRef: string }
  | { kind: 'run'; key: string };

/** The self-invocation payload. */
export interface FollowUpJob {
  action: 'commandFollowUp';
  userId: string;
  reply: ReplyTarget;
  work: FollowUpWork;
}

/** Hands a follow-up to an asynchronous invocation (Lambda `Event` invoke in production). */
export interface FollowUpPort {
  enqueue(job: FollowUpJob): Promise<void>;
}

/** Exactly-once bookkeeping of notifications across Step Functions / Lambda retries. */
export interface NotificationLedgerPort {
  /** True when the caller may send (first time, or an earlier attempt failed or stalled). */
  claim(id: string): Promise<boolean>;
  markSent(id: string, ref: PostedMessage): Promise<void>;
  release(id: string): Promise<void>;
}
