/**
 * Checks card JSON two ways. The adaptivecards package ships no JSON schema, so a compact
 * JSON Schema of the Adaptive Cards 1.5 elements the bot may use (strict: unknown properties
 * and values are errors) runs in ajv; then the adaptivecards library itself parses the card
 * and must report no warnings (unknown types, bad values). Finally input ids must be unique.
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';

const spacing = { enum: ['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding'] };
const containerStyle = { enum: ['default', 'emphasis', 'good', 'attention', 'warning', 'accent'] };
const common = { id: { type: 'string', minLength: 1 }, spacing, separator: { type: 'boolean' }, isVisible: { type: 'boolean' } };
const inputCommon = { ...common, id: { type: 'string', minLength: 1 }, label: { type: 'string' }, isRequired: { type: 'boolean' }, errorMessage: { type: 'string' } };

const actionBase = {
  title: { type: 'string' },
  id: { type: 'string' },
  style: { enum: ['default', 'positive', 'destructive'] },
  tooltip: { type: 'string' },
  isEnabled: { type: 'boolean' },
  mode: { enum: ['primary', 'secondary'] },
};

function strict(type: string, properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { type: 'object', properties: { type: { const: type }, ...properties }, required: ['type', ...required], additionalProperties: false };
}

const schema = {
  $id: 'card',
  definitions: {
    element: {
      type: 'object',
      properties: { type: { type: 'string' } },
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        strict(
          'TextBlock',
          {
            ...common,
            text: { type: 'string', minLength: 1 },
            wrap: { type: 'boolean' },
            size: { enum: ['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'] },
            weight: { enum: ['Default', 'Lighter', 'Bolder'] },
            color: { enum: ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'] },
            isSubtle: { type: 'boolean' },
            style: { enum: ['default', 'heading'] },
            maxLines: { type: 'integer', minimum: 1 },
            horizontalAlignment: { enum: ['Left', 'Center', 'Right'] },
          },
          ['text'],
        ),
        strict('FactSet', { ...common, facts: { type: 'array', minItems: 1, items: { type: 'object', properties: { title: { type: 'string' }, value: { type: 'string' } }, required: ['title', 'value'], additionalProperties: false } } }, ['facts']),
        strict('Container', { ...common, style: containerStyle, bleed: { type: 'boolean' }, items: { type: 'array', minItems: 1, items: { $ref: '#/definitions/element' } } }, ['items']),
        strict('ActionSet', { ...common, actions: { type: 'array', minItems: 1, items: { $ref: '#/definitions/action' } } }, ['actions']),
        strict(
          'Input.Text',
          { ...inputCommon, isMultiline: { type: 'boolean' }, maxLength: { type: 'integer', minimum: 1 }, placeholder: { type: 'string' }, value: { type: 'string' }, style: { enum: ['text', 'tel', 'url', 'email', 'password'] }, regex: { type: 'string' } },
          ['id'],
        ),
        strict(
          'Input.ChoiceSet',
          {
            ...inputCommon,
            choices: { type: 'array', items: { type: 'object', properties: { title: { type: 'string', minLength: 1 }, value: { type: 'string' } }, required: ['title', 'value'], additionalProperties: false } },
            style: { enum: ['compact', 'expanded', 'filtered'] },
            isMultiSelect: { type: 'boolean' },
            value: { type: 'string' },
            placeholder: { type: 'string' },
            wrap: { type: 'boolean' },
          },
          ['id', 'choices'],
        ),
        strict('Input.Date', { ...inputCommon, value: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, min: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, max: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, placeholder: { type: 'string' } }, ['id']),
        strict('Input.Toggle', { ...inputCommon, title: { type: 'string' }, value: { type: 'string' }, valueOn: { type: 'string' }, valueOff: { type: 'string' } }, ['id', 'title']),
      ],
    },
    submit: strict('Action.Submit', { ...actionBase, data: { type: 'object' }, associatedInputs: { enum: ['auto', 'none', 'Auto', 'None'] } }),
    action: {
      type: 'object',
      properties: { type: { type: 'string' } },
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        strict(
          'Action.Execute',
          { ...actionBase, verb: { type: 'string', minLength: 1 }, data: { type: 'object' }, associatedInputs: { enum: ['auto', 'none', 'Auto', 'None'] }, fallback: { oneOf: [{ $ref: '#/definitions/submit' }, { const: 'drop' }] } },
          ['verb'],
        ),
        strict('Action.Submit', { ...actionBase, data: { type: 'object' }, associatedInputs: { enum: ['auto', 'none', 'Auto', 'None'] } }),
        strict('Action.OpenUrl', { ...actionBase, url: { type: 'string', pattern: '^(https?|mailto|msteams):' } }, ['url']),
      ],
    },
  },
  type: 'object',
  properties: {
    type: { const: 'AdaptiveCard' },
    $schema: { const: 'http://adaptivecards.io/schemas/adaptive-card.json' },
    version: { const: '1.5' },
    body: { type: 'array', minItems: 1, items: { $ref: '#/definitions/element' } },
    actions: { type: 'array', minItems: 1, items: { $ref: '#/definitions/action' } },
  },
  required: ['type', 'version', 'body'],
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, strictTuples: false });
const validate = ajv.compile(schema);

interface ParseContext {
  eventCount: number;
  getEventAt(i: number): { message: string };
}
interface AdaptiveCardsModule {
  AdaptiveCard: new () => { parse(json: unknown, context: ParseContext): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new () => ParseContext;
}
// The package's ES build has extension-less imports Node cannot resolve; its UMD bundle loads fine.
const adaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsModule;

function inputIds(node: unknown, ids: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => inputIds(n, ids));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') ids.push(record.id);
    for (const [key, value] of Object.entries(record)) if (key !== 'data') inputIds(value, ids);
  }
  return ids;
}

/** Every problem with a card; empty when the card is valid. */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  if (!validate(card)) problems.push(...(validate.errors ?? []).map((e) => `schema ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
  const parsed = new adaptiveCards.AdaptiveCard();
  const context = new adaptiveCards.SerializationContext();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`adaptivecards: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`adaptivecards: ${event.message}`);
  const ids = inputIds(card);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length > 0) problems.push(`duplicate input ids: ${[...new Set(duplicates)].join(', ')}`);
  return problems;
}
