/**
 * An organisation's template (agreement or session record) as form fields: a section without
 * fields is free text; a section with fields renders each by its type. Values are keyed
 * `section` or `section.field`, as the API stores them.
 */
import { Dropdown, Field, Input, Option, Radio, RadioGroup, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import type { TemplateView } from '../../src/server/api/schemas.js';

type Section = TemplateView['sections'][number];
type FieldSpec = NonNullable<Section['fields']>[number];

const useStyles = makeStyles({
  fieldset: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingVerticalM,
    margin: 0,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
});

export interface TemplateFieldsProps {
  template: TemplateView;
  values: Record<string, string>;
  onChange: (key: string, value: string) => void;
  readOnly?: boolean;
  /** Sections rendered elsewhere (e.g. the per-case ones of a record). */
  skip?: (section: Section) => boolean;
}

function FieldInput({ id, spec, value, onChange, readOnly }: { id: string; spec: FieldSpec; value: string; onChange: (v: string) => void; readOnly: boolean }) {
  switch (spec.type) {
    case 'long-text':
      return <Textarea id={id} value={value} readOnly={readOnly} resize="vertical" onChange={(_e, d) => onChange(d.value)} />;
    case 'date':
      return <Input id={id} type="date" value={value} readOnly={readOnly} onChange={(_e, d) => onChange(d.value)} />;
    case 'number':
      return <Input id={id} type="number" value={value} readOnly={readOnly} onChange={(_e, d) => onChange(d.value)} />;
    case 'yes-no':
      return (
        <RadioGroup layout="horizontal" value={value} disabled={readOnly} onChange={(_e, d) => onChange(d.value)}>
          <Radio value="yes" label="Yes" />
          <Radio value="no" label="No" />
        </RadioGroup>
      );
    case 'choice':
      return (
        <Dropdown value={value} selectedOptions={value ? [value] : []} disabled={readOnly} onOptionSelect={(_e, d) => onChange(d.optionValue ?? '')}>
          {(spec.choices ?? []).map((c) => (
            <Option key={c} value={c}>
              {c}
            </Option>
          ))}
        </Dropdown>
      );
    default:
      return <Input id={id} value={value} readOnly={readOnly} onChange={(_e, d) => onChange(d.value)} />;
  }
}

export function TemplateFields({ template, values, onChange, readOnly = false, skip }: TemplateFieldsProps) {
  const styles = useStyles();
  return (
    <>
      {template.sections
        .filter((s) => !skip?.(s))
        .map((section) =>
          section.fields && section.fields.length > 0 ? (
            <fieldset key={section.id} className={styles.fieldset}>
              <legend className={styles.legend}>{section.label}</legend>
              {section.fields.map((f) => {
                const key = `${section.id}.${f.id}`;
                return (
                  <Field key={key} label={f.label} hint={f.hint} required={f.required}>
                    <FieldInput id={`field-${key}`} spec={f} value={values[key] ?? ''} onChange={(v) => onChange(key, v)} readOnly={readOnly} />
                  </Field>
                );
              })}
            </fieldset>
          ) : (
            <Field key={section.id} label={section.label} hint={section.hint}>
              <Textarea value={values[section.id] ?? ''} readOnly={readOnly} resize="vertical" onChange={(_e, d) => onChange(section.id, d.value)} />
            </Field>
          ),
        )}
    </>
  );
}
