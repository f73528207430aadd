/**
 * Adaptive Cards (1.5, what Teams renders) for every answer the bot gives. Pure functions: report in,
 * card JSON out; every card has a data-source footer and stays under MAX_CARD_BYTES.
 */
export type {
  AdaptiveCard,
  CardAction,
  CardActionData,
  CardContext,
  CardElement,
  CheckHostData,
  CheckPairData,
  CommandHelpEntry,
} from './types';
export { CARD_BUDGET_BYTES, MAX_CARD_BYTES, cardSize } from './common';
export { escapeMarkdown, md } from './markdown';
export { pairCard, pairData } from './pair';
export { hostCard } from './host';
export { scanCard } from './scan';
export { subscribedCard, subscriptionsCard, summaryCard, unsubscribedCard, type SubscriptionView, type SummaryCardOptions } from './summary';
export { helpCard, welcomeCard, WELCOME_QUESTIONS } from './help';
export { RULE_TOPICS, explainCard, findExplainTopic, rulesAbout } from './explain';
export { errorCard } from './error';
export { nothingToApplyCard, planCard, type PlanCardOptions } from './plan';
export { redactSecrets } from '../../redaction';
