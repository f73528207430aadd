/** Jest's asymmetric matchers typed as the values they stand for (jest types them `any`, which the lint refuses in literals). */
export const matching = (pattern: RegExp | string): string => expect.stringMatching(pattern) as string;
export const containing = (text: string): string => expect.stringContaining(text) as string;
export const anyArray = expect.any(Array) as unknown[];
