import type { ReactNode } from 'react';
import { errorMessage } from '../api/errors';

/** Width of a field in a `.form-grid`: a grid cell, a narrow one, or the whole row. */
type Width = 'normal' | 'narrow' | 'wide';

/** A labelled control of a `.form-grid`: the label's text above the control (`htmlFor`) it wraps. */
export function Field({
  label,
  htmlFor,
  width = 'normal',
  children,
}: {
  label: string;
  htmlFor: string;
  width?: Width;
  children: ReactNode;
}) {
  return (
    <label htmlFor={htmlFor} className={width === 'normal' ? undefined : width}>
      {label}
      {children}
    </label>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField({
  id,
  label,
  value,
  onChange,
  choices,
  width,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  choices: readonly Choice[];
  width?: Width;
}) {
  return (
    <Field label={label} htmlFor={id} {...(width ? { width } : {})}>
      {/* The title shows a name too long for any width the layout can give. */}
      <select
        id={id}
        value={value}
        title={choices.find((c) => c.value === value)?.label}
        onChange={(e) => onChange(e.target.value)}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A text or number input; `onChange` gets the raw text (callers turn it into a number). */
export function InputField({
  id,
  label,
  value,
  onChange,
  type = 'text',
  placeholder,
  min,
  max,
  width,
}: {
  id: string;
  label: string;
  value: string | number;
  onChange: (value: string) => void;
  type?: 'text' | 'number';
  placeholder?: string;
  min?: number;
  max?: number;
  width?: Width;
}) {
  return (
    <Field label={label} htmlFor={id} {...(width ? { width } : {})}>
      <input
        id={id}
        type={type}
        min={min}
        max={max}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

/** The row under a form: its submit button, then what came of the last submit. */
export function FormActions({
  id,
  label,
  pendingLabel,
  pending,
  disabled,
  done,
  error,
}: {
  id: string;
  label: string;
  pendingLabel: string;
  pending: boolean;
  disabled: boolean;
  /** Said once the submit succeeded. */
  done?: ReactNode;
  error?: unknown;
}) {
  return (
    <div className="form-actions">
      <button id={id} type="submit" className="btn btn-primary" disabled={disabled || pending}>
        {pending ? pendingLabel : label}
      </button>
      {done ? <span className="ok-text">{done}</span> : null}
      {error ? <span className="error-text">{errorMessage(error)}</span> : null}
    </div>
  );
}
