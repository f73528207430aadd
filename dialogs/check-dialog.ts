/**
 * The conversation around a check whose question is incomplete: "did you mean …" for host names the
 * directory does not know, and "to which host?" / "from which host?" when one end is missing. State lives in the
 * per-conversation-per-user dialog state, so two people in one channel do not answer each other's prompts.
 */
import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { ChoiceFactory, ChoicePrompt, ComponentDialog, ListStyle, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { FoundChoice } from 'botbuilder-dialogs';
import type { Request } from '../src/bot/answerer';
import { adaptiveCard, text } from '../src/render/cards/common';
import { askButton } from '../src/render/cards/help';

/**
 * The question and its choices as an Adaptive Card: each choice an Action.Submit that "asks" the name (in Teams
 * it is posted as the user's message; in the Agents Playground the bot reads the button's data), where a hero
 * card's imBack buttons do nothing in the Playground.
 */
function choiceCard(question: string, choices: readonly string[]): Partial<Activity> {
  const card = adaptiveCard([text(question, { weight: 'Bolder' }), { type: 'ActionSet', actions: choices.map((c) => askButton(c)) }], {
    fallbackText: `${question} ${choices.join(', ')}`,
  });
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

export const CHECK_DIALOG = 'kcd-check';
const CHOICE = 'kcd-choice';
const WATERFALL = 'kcd-check-steps';
const CANCEL = 'Cancel';
/** Teams shows at most a handful of buttons comfortably. */
const MAX_CHOICES = 10;

export interface CheckDialogOptions {
  intent: 'check_pair' | 'check_host';
  source?: string;
  destination?: string;
  host?: string;
  storage: boolean;
  fileServers: string[];
  asker: boolean;
  /** Read AD now rather than answer from the cache (the question said "fresh"); absent in older dialog state. */
  fresh?: boolean;
  /** Names still to settle, with the directory's suggestions. */
  unresolved: { text: string; suggestions: string[] }[];
  /** Hyper-V hosts to offer as destinations. */
  candidates: string[];
}

export interface CheckDialogHooks {
  /** Answers the completed question (sends the card). */
  answer(step: WaterfallStepContext, request: Request, options: CheckDialogOptions): Promise<void>;
  /** Says a name is unknown and nothing close exists (sends the error card). */
  unknown(step: WaterfallStepContext, name: string, options: CheckDialogOptions): Promise<void>;
}

function replaceName(options: CheckDialogOptions, typed: string, chosen: string): CheckDialogOptions {
  const same = (v: string | undefined) => v !== undefined && v.toLowerCase() === typed.toLowerCase();
  return {
    ...options,
    source: same(options.source) ? chosen : options.source,
    destination: same(options.destination) ? chosen : options.destination,
    host: same(options.host) ? chosen : options.host,
    fileServers: options.fileServers.map((f) => (same(f) ? chosen : f)),
    unresolved: options.unresolved.slice(1),
  };
}

export class CheckDialog extends ComponentDialog {
  constructor(private readonly hooks: CheckDialogHooks) {
    super(CHECK_DIALOG);
    this.addDialog(new ChoicePrompt(CHOICE));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        (step) => this.askWhichName(step),
        (step) => this.afterName(step),
        (step) => this.askEndpoint(step),
        (step) => this.finish(step),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private options(step: WaterfallStepContext): CheckDialogOptions {
    return step.options as CheckDialogOptions;
  }

  private async askWhichName(step: WaterfallStepContext) {
    const options = this.options(step);
    const next = options.unresolved[0];
    if (!next) return step.next();
    if (next.suggestions.length === 0) {
      await this.hooks.unknown(step, next.text, options);
      return step.endDialog();
    }
    const choices = [...next.suggestions.slice(0, MAX_CHOICES - 1), CANCEL];
    return step.prompt(CHOICE, {
      prompt: choiceCard(`I don't know a host called "${next.text}". Did you mean one of these?`, choices),
      retryPrompt: choiceCard('Pick one of the hosts, or Cancel.', choices),
      choices: ChoiceFactory.toChoices(choices),
      style: ListStyle.none,
    });
  }

  private async afterName(step: WaterfallStepContext) {
    const options = this.options(step);
    const next = options.unresolved[0];
    if (!next) return step.next();
    const chosen = (step.result as FoundChoice).value;
    if (chosen === CANCEL) {
      await step.context.sendActivity('OK, I left it there.');
      return step.endDialog();
    }
    // Settle one name per round, then start over with the rest.
    return step.replaceDialog(this.id, replaceName(options, next.text, chosen));
  }

  /** Asks for the one end of the migration that is missing (the bot never starts this with both missing). */
  private async askEndpoint(step: WaterfallStepContext) {
    const options = this.options(step);
    if (options.intent !== 'check_pair' || (options.source && options.destination)) return step.next();
    const known = (options.source ?? options.destination)!;
    const choices = options.candidates.filter((c) => c.toLowerCase() !== known.toLowerCase()).slice(0, MAX_CHOICES - 1);
    if (choices.length === 0) {
      await step.context.sendActivity(`I found no other Hyper-V host to pair with ${known}.`);
      return step.endDialog();
    }
    const offered = [...choices, CANCEL];
    return step.prompt(CHOICE, {
      prompt: choiceCard(options.source ? `Migrate from ${known} to which host?` : `Migrate to ${known} from which host?`, offered),
      retryPrompt: choiceCard('Pick a host, or Cancel.', offered),
      choices: ChoiceFactory.toChoices(offered),
      style: ListStyle.none,
    });
  }

  private async finish(step: WaterfallStepContext) {
    const options = this.options(step);
    let { source, destination } = options;
    if (options.intent === 'check_pair' && (!source || !destination)) {
      const chosen = (step.result as FoundChoice | undefined)?.value;
      if (!chosen || chosen === CANCEL) {
        await step.context.sendActivity('OK, I left it there.');
        return step.endDialog();
      }
      if (source) destination = chosen;
      else source = chosen;
    }
    const request: Request =
      options.intent === 'check_host'
        ? { kcd: 'check', host: options.host! }
        : { kcd: 'check', source: source!, destination: destination!, storage: options.storage, fileServers: options.fileServers, asker: options.asker };
    await this.hooks.answer(step, request, options);
    return step.endDialog();
  }
}
