/** The shapes the card builders produce and accept. Cards are plain JSON objects (Adaptive Cards 1.5). */

/** Any Adaptive Card element (TextBlock, Container, Table…): `type` plus its properties. */
export interface CardElement {
  type: string;
  [property: string]: unknown;
}

export type CardActionType = 'Action.Submit' | 'Action.Execute' | 'Action.OpenUrl' | 'Action.ToggleVisibility' | 'Action.ShowCard';

export interface CardAction {
  type: CardActionType;
  title: string;
  [property: string]: unknown;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  /** What Teams renders. */
  version: '1.5';
  /** Plain text for clients that cannot render the card (and a good notification / log line). */
  fallbackText?: string;
  body: CardElement[];
  actions?: CardAction[];
  /** Teams extension: use the full width of the conversation (wide tables and code). */
  msteams?: { width: 'Full' };
}

/** What every card says about where its data came from and who asked. */
export interface CardContext {
  /** The data source as every output labels it: "demo directory", "ldaps://dc1.contoso.com", "snapshot x.json". */
  directoryLabel: string;
  /** When the data was read (ISO 8601). */
  takenAt?: string;
  /**
   * The asker's own account: checked (name = their UPN) or not (a note says why, e.g. not found in AD).
   * Absent when the front end did not try.
   */
  asker?: { checked: boolean; name?: string; note?: string };
  /** Shown on the generic error card so a log line can be found. */
  correlationId?: string;
  /** The directory could not be read: the answer comes from the last good read, this old. */
  stale?: { ageMinutes: number; reason?: string };
  /** The asker bypassed the cache (typed "fresh", pressed Re-check) and the directory was read just now. */
  fresh?: boolean;
  /** A not-ready card offers "Request fix" with this signed token (apply is on and the asker may request). */
  requestFix?: string;
  /** A line about a fix requested from this card (it then offers no second request). */
  fixNote?: string;
}

/** One command's help, from the command registry (its helpEntries() fit this shape). */
export interface CommandHelpEntry {
  /** One usage line, or several (e.g. the pair and the host form of check). */
  usage: string | readonly string[];
  description: string;
  examples: readonly string[];
}

/** The payloads the cards' buttons send back (Action.Submit `value`, Action.Execute `action.data`). */
export type CheckPairData = {
  kcd: 'check';
  source: string;
  destination: string;
  storage: boolean;
  fileServers: string[];
};
export type CheckHostData = { kcd: 'check'; host: string };
export type CardActionData =
  | CheckPairData
  | CheckHostData
  | { kcd: 'scan' }
  | { kcd: 'explain'; topic: string }
  | { kcd: 'help' }
  /** Request, approve or reject a fix plan: the token says which plan and question (signed; src/apply/signing.ts). */
  | { kcd: 'apply'; step: 'request' | 'approve' | 'reject'; token: string }
  /** A natural-language question, for example buttons; Teams posts `msteams.value` as the user's message. */
  | { kcd: 'ask'; text: string; msteams?: { type: 'imBack'; value: string } };
