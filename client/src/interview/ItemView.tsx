import { textIn, type FieldDef } from '../../../questionnaires/compile-questionnaire.js';
import type { FormState, Row } from '../../../questionnaires/form-state.js';
import { useState } from 'react';
import { QuestionInput } from './QuestionInput.js';
import { interfaceText } from '../../../questionnaires/interface-text.js';

interface Props {
  state: FormState;
  index: number;
  row: Row;
  language: string;
  review?: Record<string, string>;
  /** Show "an answer is required" (once the enumerator has left or checked the section, or tried to complete). */
  showRequired: boolean;
  onAnswer: (path: string, value: unknown) => void;
  onAddRow: (roster: string, parentPath?: string) => string | void;
  onRemoveRow: (roster: string, key: string, parentPath?: string) => void;
  parentPath?: string;
  /** Answers the form refused as typed (12.7 for a whole number), by path: said at the question. */
  inputErrors?: Record<string, string>;
}

/** One item (question, note, group, roster) in the context of a row, if it applies. */
export function ItemView(props: Props) {
  const { state, index, row, language, review, onAnswer, parentPath } = props;
  const field: FieldDef = state.questionnaire.fields[index];
  const item = field.item;
  const fallback = state.questionnaire.source.languages.default;
  if (item.kind === 'metadata' || item.kind === 'calculate') return null;
  if (!row.relevant[field.slot]) return null;
  const path = parentPath ? `${parentPath}.${field.name}` : field.name;
  const children = (scope: number, r: Row, pp?: string) =>
    (state.questionnaire.fieldsOfScope.get(scope) ?? [])
      .filter((i) => state.questionnaire.fields[i].parent === field.index)
      .map((i) => <ItemView key={i} {...props} index={i} row={r} parentPath={pp} />);
  if (item.kind === 'group') {
    return (
      <fieldset className="group">
        {item.label && <legend>{textIn(item.label, language, fallback)}</legend>}
        {children(field.scope, row, parentPath)}
      </fieldset>
    );
  }
  if (item.kind === 'roster') return <RosterView {...props} />;
  const id = `q-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (item.kind === 'note') {
    return <p className="note">{interpolate(textIn(item.label, language, fallback), state, row)}</p>;
  }
  // A required answer not given yet is no mistake until the enumerator moves on: only then is it shown.
  const found = row.problems[field.slot];
  const typed = props.inputErrors?.[path];
  const problem = typed ? { message: typed } : found && (found.code !== 'required' || props.showRequired) ? found : null;
  const comment = review?.[state.pathOf(field, row, 'index')];
  return (
    <div className={`question${problem ? ' has-problem' : ''}`} data-question={field.name}>
      <label id={`${id}-label`} htmlFor={id}>
        {interpolate(textIn(item.label, language, fallback), state, row)}
        {item.required === true && <span aria-hidden="true"> *</span>}
      </label>
      {item.hint && <p className="hint">{textIn(item.hint, language, fallback)}</p>}
      {comment && (
        <p className="review-comment" role="note">
          {interfaceText(language)('supervisor', { comment })}
        </p>
      )}
      <QuestionInput
        state={state}
        field={field}
        row={row}
        path={path}
        language={language}
        onAnswer={onAnswer}
        aria={{
          ...(item.required === true ? { 'aria-required': true } : {}),
          ...(problem ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {}),
        }}
      />
      {problem && (
        <p className="bad" role="alert" id={`${id}-error`}>
          {problem.message}
        </p>
      )}
    </div>
  );
}

/** A label with its ${name} references filled with the answers of this row (or the rows above it). */
export function interpolate(text: string, state: FormState, row: Row): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const f = state.questionnaire.byName.get(name);
    if (!f) return name in state.questionnaire.settings ? String(state.questionnaire.settings[name]) : '';
    let r: Row | null = row;
    while (r && r.scope !== f.scope) r = r.parent;
    const v = r ? r.values[f.slot] : null;
    return v === null || v === undefined ? '…' : String(v);
  });
}

/** A roster: its rows as a list, the open row's questions below it, add and remove for open-ended rosters. */
function RosterView(props: Props) {
  const { state, index, row, language, parentPath } = props;
  const field: FieldDef = state.questionnaire.fields[index];
  const item = field.item as { label?: Parameters<typeof textIn>[0] };
  const fallback = state.questionnaire.source.languages.default;
  const path = parentPath ? `${parentPath}.${field.name}` : field.name;
  const rows = row.children.get(field.index) ?? [];
  const [open, setOpen] = useState<string | null>(rows.at(-1)?.key ?? null);
  const byHand = !field.repeatCount && field.rowsFrom === undefined;
  const source = field.rowsFrom !== undefined ? state.questionnaire.fields[field.rowsFrom] : null;
  const titleOf = (r: Row, k: number) => {
    const first = (state.questionnaire.fieldsOfScope.get(source ? source.index : field.index) ?? [])[0];
    const sourceRow = source ? (row.children.get(source.index) ?? []).find((s) => s.key === r.key) : r;
    const name = first !== undefined && sourceRow ? sourceRow.answers[state.questionnaire.fields[first].slot] : undefined;
    return `${k + 1}. ${typeof name === 'string' && name ? name : ''}`;
  };
  return (
    <section className="roster" aria-label={textIn(item.label, language, fallback) || field.name}>
      <h3>{textIn(item.label, language, fallback)}</h3>
      {rows.length === 0 && <p className="hint">{interfaceText(language)('noRows')}</p>}
      {rows.map((r, k) => {
        const rowPath = `${path}[${r.key}]`;
        return (
          <details
            key={r.key}
            className="roster-row"
            open={open === r.key}
            onToggle={(e) => {
              const now = (e.currentTarget as HTMLDetailsElement).open;
              if (now) setOpen(r.key);
              else if (open === r.key) setOpen(null);
            }}
          >
            <summary>
              {titleOf(r, k)}
              {byHand && (
                <button
                  type="button"
                  className="link"
                  onClick={() => window.confirm(interfaceText(language)('removeRow', { n: k + 1 })) && props.onRemoveRow(field.name, r.key, parentPath)}
                >
                  {interfaceText(language)('remove')}
                </button>
              )}
            </summary>
            {/* Only the open row renders its questions: a 30-member roster stays fast to type in. */}
            {open === r.key &&
              (state.questionnaire.fieldsOfScope.get(field.index) ?? [])
                .filter((i) => state.questionnaire.fields[i].parent === field.index)
                .map((i) => <ItemView key={i} {...props} index={i} row={r} parentPath={rowPath} />)}
          </details>
        );
      })}
      {byHand && (
        <button
          type="button"
          onClick={() => {
            const key = props.onAddRow(field.name, parentPath);
            if (key) setOpen(key);
          }}
        >
          {interfaceText(language)('add')} {textIn(item.label, language, fallback).toLowerCase() || '+'}
        </button>
      )}
    </section>
  );
}
