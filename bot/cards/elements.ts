/**
 * Adaptive Card building blocks. Every card is version 1.5; every button is an
 * `Action.Execute` (Universal Actions: the reply replaces the card for the person who
 * pressed it) with an `Action.Submit` fallback for clients that predate 1.4. The fallback
 * carries the verb in its data, so both arrive at the same handler.
 */
export type CardElement = { type: string } & Record<string, unknown>;

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
}

export const cardSchemaUrl = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const cardContentType = 'application/vnd.microsoft.card.adaptive';

export function card(body: CardElement[], actions: CardElement[] = []): AdaptiveCardJson {
  return { type: 'AdaptiveCard', $schema: cardSchemaUrl, version: '1.5', body, ...(actions.length > 0 ? { actions } : {}) };
}

export function heading(text: string): CardElement {
  return { type: 'TextBlock', text, wrap: true, size: 'Medium', weight: 'Bolder', style: 'heading' };
}

export function subheading(text: string): CardElement {
  return { type: 'TextBlock', text, wrap: true, weight: 'Bolder', spacing: 'Medium' };
}

export function text(value: string, options: { subtle?: boolean; attention?: boolean; small?: boolean; spacing?: 'None' | 'Small' | 'Medium' } = {}): CardElement {
  return {
    type: 'TextBlock',
    text: value,
    wrap: true,
    ...(options.subtle ? { isSubtle: true } : {}),
    ...(options.attention ? { color: 'Attention' } : {}),
    ...(options.small ? { size: 'Small' } : {}),
    ...(options.spacing ? { spacing: options.spacing } : {}),
  };
}

export function facts(items: readonly (readonly [string, string])[]): CardElement {
  return { type: 'FactSet', facts: items.map(([title, value]) => ({ title, value })) };
}

export function bullets(items: readonly string[]): CardElement {
  return text(items.map((item) => `- ${item}`).join('\n'));
}

export function container(items: CardElement[], style?: 'emphasis' | 'attention' | 'good' | 'warning'): CardElement {
  return { type: 'Container', items, ...(style ? { style } : {}) };
}

export type ActionData = Record<string, string | number | boolean | readonly string[] | undefined>;

function clean(data: ActionData): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

/** A button: Action.Execute with its Action.Submit fallback. */
export function execute(title: string, verb: string, data: ActionData = {}, options: { style?: 'positive' | 'destructive'; validate?: boolean } = {}): CardElement {
  const payload = { ...clean(data), verb };
  const common = {
    title,
    ...(options.style ? { style: options.style } : {}),
    // Client-side required checks would stop a submit the bot wants to answer with marked fields.
    associatedInputs: options.validate === false ? 'none' : 'auto',
  };
  return {
    type: 'Action.Execute',
    ...common,
    verb,
    data: payload,
    fallback: { type: 'Action.Submit', ...common, data: payload },
  };
}

export function openUrl(title: string, url: string): CardElement {
  return { type: 'Action.OpenUrl', title, url };
}

export function actionSet(actions: CardElement[]): CardElement {
  return { type: 'ActionSet', actions };
}

export interface InputOptions {
  label: string;
  value?: string | undefined;
  /** The message to mark the field with when the last submit was refused. */
  error?: string | undefined;
  required?: boolean;
}

/** An input, wrapped so that a refused field is marked in place with its message. */
function marked(input: CardElement, options: InputOptions): CardElement[] {
  if (!options.error) return [input];
  return [container([input, text(`⚠ ${options.error}`, { attention: true, small: true, spacing: 'None' })], 'attention')];
}

function label(options: InputOptions): string {
  return options.error ? `${options.label} (needs attention)` : options.label;
}

export function textInput(id: string, options: InputOptions & { multiline?: boolean; placeholder?: string; maxLength?: number }): CardElement[] {
  return marked(
    {
      type: 'Input.Text',
      id,
      label: label(options),
      isMultiline: options.multiline ?? false,
      maxLength: options.maxLength ?? 4000,
      ...(options.placeholder ? { placeholder: options.placeholder } : {}),
      ...(options.value ? { value: options.value } : {}),
      ...(options.required ? { isRequired: true, errorMessage: 'Required' } : {}),
    },
    options,
  );
}

export function choiceInput(id: string, options: InputOptions & { choices: readonly { title: string; value: string }[]; multi?: boolean; expanded?: boolean }): CardElement[] {
  return marked(
    {
      type: 'Input.ChoiceSet',
      id,
      label: label(options),
      style: options.expanded ? 'expanded' : 'compact',
      isMultiSelect: options.multi ?? false,
      choices: options.choices.map((c) => ({ title: c.title, value: c.value })),
      ...(options.value ? { value: options.value } : {}),
      ...(options.required ? { isRequired: true, errorMessage: 'Required' } : {}),
    },
    options,
  );
}

export function dateInput(id: string, options: InputOptions & { min?: string; max?: string }): CardElement[] {
  return marked(
    {
      type: 'Input.Date',
      id,
      label: label(options),
      ...(options.value ? { value: options.value } : {}),
      ...(options.min ? { min: options.min } : {}),
      ...(options.max ? { max: options.max } : {}),
      ...(options.required ? { isRequired: true, errorMessage: 'Required' } : {}),
    },
    options,
  );
}
