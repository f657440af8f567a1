/** Local mode only: choose which seeded person to act as (sent as `x-dev-user`). */
import { Combobox, Field, Option } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { PersonView } from '../../src/server/api/schemas.js';

export default function DevPicker({ people, value, onChoose }: { people: PersonView[]; value: string | undefined; onChoose: (id: string) => void }) {
  const chosen = people.find((p) => p.id === value)?.displayName ?? '';
  const [query, setQuery] = useState(chosen);
  useEffect(() => setQuery(chosen), [chosen]);
  // Typing narrows the list to matching names; the chosen name shows everyone again.
  const needle = query === chosen ? '' : query.trim().toLowerCase();
  const shown = needle ? people.filter((p) => `${p.displayName} ${p.jobTitle ?? ''}`.toLowerCase().includes(needle)) : people;
  return (
    <Field label="Acting as (local mode)">
      <Combobox
        placeholder="Type or choose a person"
        value={query}
        selectedOptions={value ? [value] : []}
        onChange={(e) => setQuery(e.target.value)}
        onOptionSelect={(_e, data) => {
          if (data.optionValue) {
            setQuery(data.optionText ?? '');
            onChoose(data.optionValue);
          }
        }}
      >
        {shown.map((p) => (
          <Option key={p.id} value={p.id} text={p.displayName}>
            {p.displayName}
            {p.jobTitle ? ` — ${p.jobTitle}` : ''}
          </Option>
        ))}
        {shown.length === 0 ? (
          <Option disabled value="" text="No one matches">
            No one matches
          </Option>
        ) : null}
      </Combobox>
    </Field>
  );
}
