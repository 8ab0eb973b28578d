/**
 * The experiment editor. Every control has the exact accessible name the issue fixes (tests and
 * screen readers rely on them); a field's message sits next to it and is wired with aria-describedby.
 */
import { useId, type ReactNode } from 'react';
import { OPTIMIZERS, PRESETS, SCHEDULES } from '../../../core';
import { useLab } from '../context';
import { fmtRate } from '../format';
import { LOCKABLE_CONTROLS, type LockableControl } from '../../../core/contract/lab-file';
import { LOCK_NOTE_ID, LockNote, useLock } from './Lessons';
import {
  ACTIVATION_OPTIONS,
  DATASETS,
  isGenerated,
  LOSS_OPTIONS,
  INIT_OPTIONS,
  numberOrText,
  OPTIMIZER_LABEL,
  outputsOf,
  SCHEDULE_LABEL,
  type Draft,
  type DraftV2Field,
  type FieldKey,
} from '../state/draft';

const lockable = (field: string): LockableControl | null => ((LOCKABLE_CONTROLS as readonly string[]).includes(field) ? (field as LockableControl) : null);

/** Props a locked control carries: disabled, and described by the lesson's reason. */
function lockProps(lock: string | null, describedBy?: string) {
  if (!lock) return { 'aria-describedby': describedBy };
  return { disabled: true, title: lock, 'aria-describedby': [describedBy, LOCK_NOTE_ID].filter(Boolean).join(' ') };
}

function Field({
  label,
  field,
  children,
  advanced,
  lockAs,
}: {
  label: string;
  field: FieldKey;
  children: (id: string, describedBy: string | undefined, lock: string | null) => ReactNode;
  advanced?: boolean;
  /** The lesson lock this field obeys when it is not a lockable control itself. */
  lockAs?: LockableControl;
}) {
  const id = useId();
  const message = useLab((s) => s.validation.fields[field]);
  const lock = useLock(lockAs ?? lockable(field));
  const msgId = `${id}-msg`;
  return (
    <div className={`field${advanced ? ' advanced' : ''}${message ? ' invalid' : ''}${lock ? ' locked' : ''}`}>
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        {lock ? <span aria-hidden="true">🔒</span> : null}
      </div>
      {children(id, message ? msgId : undefined, lock)}
      {message ? (
        <p className="field-msg" id={msgId}>
          {message}
        </p>
      ) : null}
    </div>
  );
}

export function Controls() {
  const draft = useLab((s) => s.draft);
  const setField = useLab((s) => s.setField);
  const choosePreset = useLab((s) => s.choosePreset);
  const chooseDataset = useLab((s) => s.chooseDataset);
  const lrParsed = numberOrText(draft.learningRate);
  const lrNumber = typeof lrParsed === 'number' ? lrParsed : null;
  const sliderValue = lrNumber !== null && lrNumber > 0 ? Math.min(1, Math.max(-8, Math.log10(lrNumber))) : -3;
  const generalMsg = useLab((s) => s.validation.fields.general);
  const preset = PRESETS.find((p) => p.id === draft.presetId);
  const biasLock = useLock('bias');

  return (
    <section className="controls" aria-label="Experiment">
      <h2>Experiment</h2>
      <LockNote />
      <Field label="Preset" field="preset">
        {(id, _d, lock) => (
          <select id={id} value={draft.presetId} {...lockProps(lock)} onChange={(e) => choosePreset(e.target.value)}>
            {draft.presetId === '' ? <option value="">Custom</option> : null}
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      {preset ? <p className="preset-desc">{preset.description}</p> : null}

      <Field label="Dataset" field="dataset">
        {(id, d, lock) => (
          <select id={id} value={draft.dataset} aria-invalid={d ? true : undefined} {...lockProps(lock, d)} onChange={(e) => chooseDataset(e.target.value as (typeof DATASETS)[number]['value'])}>
            {DATASETS.filter((o) => o.value !== 'inline' || draft.dataset === 'inline').map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>

      <DataSliders />

      <Field label="Learning rate" field="learningRate">
        {(id, d, lock) => (
          <div className="lr">
            <input
              id={id}
              type="text"
              inputMode="decimal"
              spellCheck={false}
              value={draft.learningRate}
              aria-invalid={d ? true : undefined}
              {...lockProps(lock, d)}
              onChange={(e) => setField('learningRate', e.target.value)}
            />
            <input
              type="range"
              aria-label="Learning rate slider (log scale)"
              disabled={Boolean(lock)}
              min={-8}
              max={1}
              step={0.1}
              value={sliderValue}
              aria-valuetext={lrNumber !== null ? fmtRate(10 ** sliderValue) : 'invalid'}
              onChange={(e) => setField('learningRate', fmtRate(10 ** Number(e.target.value)))}
            />
          </div>
        )}
      </Field>

      <Field label="Init scheme" field="init">
        {(id, d, lock) => (
          <select id={id} value={draft.init} aria-invalid={d ? true : undefined} {...lockProps(lock, d)} onChange={(e) => setField('init', e.target.value as typeof draft.init)}>
            {INIT_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
            {draft.init === 'explicit' ? <option value="explicit">Preset&apos;s own weights</option> : null}
          </select>
        )}
      </Field>

      <div className="field advanced checkbox">
        <input id="bias-input" type="checkbox" checked={draft.bias} {...lockProps(biasLock)} onChange={(e) => setField('bias', e.target.checked)} />
        <label htmlFor="bias-input">Bias</label>
        {biasLock ? <span aria-hidden="true">🔒</span> : null}
      </div>

      <Field label="Loss function" field="loss" advanced>
        {(id, d, lock) => (
          <select id={id} value={draft.loss} aria-invalid={d ? true : undefined} {...lockProps(lock, d)} onChange={(e) => setField('loss', e.target.value as typeof draft.loss)}>
            {LOSS_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>

      <div className="row advanced">
        {(
          [
            ['Seed', 'seed'],
            ['Steps', 'steps'],
            ['Batch size', 'batchSize'],
          ] as const
        ).map(([label, key]) => (
          <Field key={key} label={label} field={key}>
            {(id, d, lock) => (
              <input
                id={id}
                type="text"
                inputMode="numeric"
                spellCheck={false}
                value={draft[key]}
                placeholder={key === 'batchSize' ? 'all rows' : undefined}
                aria-invalid={d ? true : undefined}
                {...lockProps(lock, d)}
                onChange={(e) => setField(key, e.target.value)}
              />
            )}
          </Field>
        ))}
      </div>

      <TrainingControls />
      <LayerEditor outputs={outputsOf(draft.base.data)} />
      {generalMsg ? <p className="field-msg">{generalMsg}</p> : null}
    </section>
  );
}

function LayerEditor({ outputs }: { outputs: number }) {
  const hidden = useLab((s) => s.draft.hidden);
  const outputActivation = useLab((s) => s.draft.outputActivation);
  const setLayer = useLab((s) => s.setLayer);
  const addLayer = useLab((s) => s.addLayer);
  const removeLayer = useLab((s) => s.removeLayer);
  const setField = useLab((s) => s.setField);
  const fields = useLab((s) => s.validation.fields);
  const lock = useLock('layers');
  const outLock = useLock('outputActivation');
  return (
    <fieldset className={`layers${lock ? ' locked' : ''}`} disabled={Boolean(lock)} aria-describedby={lock ? LOCK_NOTE_ID : undefined}>
      <legend>
        Hidden layers{lock ? <span aria-hidden="true"> 🔒</span> : null}
      </legend>
      {hidden.length === 0 ? <p className="hint">No hidden layers: a linear model.</p> : null}
      <ol>
        {hidden.map((l, i) => {
          const n = i + 1;
          const unitsMsg = fields[`layer-${n}-units`];
          const actMsg = fields[`layer-${n}-activation`];
          return (
            <li key={i} className={unitsMsg || actMsg ? 'invalid' : undefined}>
              <label htmlFor={`layer-${n}-units`}>Layer {n} units</label>
              <input
                id={`layer-${n}-units`}
                type="text"
                inputMode="numeric"
                value={l.units}
                size={5}
                aria-invalid={unitsMsg ? true : undefined}
                aria-describedby={unitsMsg ? `layer-${n}-units-msg` : undefined}
                onChange={(e) => setLayer(i, { units: e.target.value })}
              />
              <label htmlFor={`layer-${n}-activation`}>Layer {n} activation</label>
              <select id={`layer-${n}-activation`} value={l.activation} onChange={(e) => setLayer(i, { activation: e.target.value as typeof l.activation })}>
                {ACTIVATION_OPTIONS.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
              <button type="button" className="icon" aria-label={`Remove layer ${n}`} title={`Remove layer ${n}`} onClick={() => removeLayer(i)}>
                ✕
              </button>
              {unitsMsg ? (
                <p className="field-msg" id={`layer-${n}-units-msg`}>
                  {unitsMsg}
                </p>
              ) : null}
              {actMsg ? <p className="field-msg">{actMsg}</p> : null}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={addLayer} disabled={hidden.length >= 63}>
        Add layer
      </button>
      <div className="output-layer advanced">
        <span>
          Output layer: {outputs} unit{outputs === 1 ? '' : 's'} (set by the data)
        </span>
        <label htmlFor="output-activation">Output activation</label>
        <select id="output-activation" value={outputActivation} {...lockProps(outLock)} onChange={(e) => setField('outputActivation', e.target.value as typeof outputActivation)}>
          {ACTIVATION_OPTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        {fields.outputActivation ? <p className="field-msg">{fields.outputActivation}</p> : null}
      </div>
    </fieldset>
  );
}

/** A text field for one v2 draft field: the typed text is kept, the core's message shows beside it. */
function TextField({ label, field, advanced, lockAs, placeholder }: { label: string; field: DraftV2Field; advanced?: boolean; lockAs?: LockableControl; placeholder?: string }) {
  const value = useLab((s) => s.draft[field]);
  const setField = useLab((s) => s.setField);
  return (
    <Field label={label} field={field} advanced={advanced} lockAs={lockAs}>
      {(id, d, lock) => (
        <input
          id={id}
          type="text"
          inputMode="decimal"
          spellCheck={false}
          value={String(value)}
          placeholder={placeholder}
          aria-invalid={d ? true : undefined}
          {...lockProps(lock, d)}
          onChange={(e) => setField(field, e.target.value)}
        />
      )}
    </Field>
  );
}

/** A text field with a slider under it (TensorFlow Playground's data sliders); the slider writes the text. */
function SliderField({ label, field, min, max, step, fmt }: { label: string; field: 'samples' | 'noise' | 'testRatio'; min: number; max: number; step: number; fmt: (v: number) => string }) {
  const value = useLab((s) => s.draft[field]);
  const setField = useLab((s) => s.setField);
  const parsed = numberOrText(value);
  const n = typeof parsed === 'number' ? Math.min(max, Math.max(min, parsed)) : min;
  return (
    <Field label={label} field={field} lockAs="dataset">
      {(id, d, lock) => (
        <div className="lr">
          <input id={id} type="text" inputMode="decimal" spellCheck={false} value={value} aria-invalid={d ? true : undefined} {...lockProps(lock, d)} onChange={(e) => setField(field, e.target.value)} />
          <input
            type="range"
            aria-label={`${label} slider`}
            disabled={Boolean(lock)}
            min={min}
            max={max}
            step={step}
            value={n}
            aria-valuetext={typeof parsed === 'number' ? fmt(n) : 'invalid'}
            onChange={(e) => setField(field, fmt(Number(e.target.value)))}
          />
        </div>
      )}
    </Field>
  );
}

/** Samples and noise for generated data, and the hold-out share for any data. */
function DataSliders() {
  const kind = useLab((s) => s.draft.dataset);
  return (
    <div className="data-sliders">
      {isGenerated(kind) ? (
        <>
          <SliderField label="Samples" field="samples" min={10} max={1000} step={10} fmt={(v) => String(Math.round(v))} />
          <SliderField label="Noise" field="noise" min={0} max={1} step={0.01} fmt={(v) => String(Number(v.toFixed(2)))} />
        </>
      ) : null}
      <SliderField label="Test ratio" field="testRatio" min={0} max={0.9} step={0.05} fmt={(v) => String(Number(v.toFixed(2)))} />
    </div>
  );
}

/** A select for a kind-valued draft field (the optimiser, the schedule). */
function KindSelect<K extends 'optimizer' | 'schedule'>({ label, field, options, names }: { label: string; field: K; options: readonly Draft[K][]; names: Record<Draft[K], string> }) {
  const value = useLab((s) => s.draft[field]);
  const setField = useLab((s) => s.setField);
  return (
    <Field label={label} field={field} lockAs="optimizer">
      {(id, d, lock) => (
        <select id={id} value={value} aria-invalid={d ? true : undefined} {...lockProps(lock, d)} onChange={(e) => setField(field, e.target.value as Draft[K])}>
          {options.map((o) => (
            <option key={o} value={o}>
              {names[o]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Format v2's optimiser, penalties and learning-rate schedule; each rule's settings show only while it is chosen. */
function TrainingControls() {
  const optimizer = useLab((s) => s.draft.optimizer);
  const schedule = useLab((s) => s.draft.schedule);
  const biasCorrection = useLab((s) => s.draft.biasCorrection);
  const setField = useLab((s) => s.setField);
  const lock = useLock('optimizer');
  return (
    <fieldset className={`training advanced${lock ? ' locked' : ''}`}>
      <legend>Optimiser and regularisation</legend>
      <KindSelect label="Optimiser" field="optimizer" options={OPTIMIZERS} names={OPTIMIZER_LABEL} />
      <div className="row">
        {optimizer === 'momentum' || optimizer === 'nesterov' ? <TextField lockAs="optimizer" label="Momentum" field="momentum" /> : null}
        {optimizer === 'rmsprop' ? <TextField lockAs="optimizer" label="Rho" field="rho" /> : null}
        {optimizer === 'adam' ? (
          <>
            <TextField lockAs="optimizer" label="Beta1" field="beta1" />
            <TextField lockAs="optimizer" label="Beta2" field="beta2" />
          </>
        ) : null}
        {optimizer === 'rmsprop' || optimizer === 'adam' ? <TextField lockAs="optimizer" label="Epsilon" field="epsilon" /> : null}
      </div>
      {optimizer === 'adam' ? (
        <div className="field checkbox">
          <input id="bias-correction-input" type="checkbox" checked={biasCorrection} {...lockProps(lock)} onChange={(e) => setField('biasCorrection', e.target.checked)} />
          <label htmlFor="bias-correction-input">Bias correction</label>
        </div>
      ) : null}
      <div className="row">
        <TextField lockAs="optimizer" label="L2 penalty" field="l2" />
        <TextField lockAs="optimizer" label="L1 penalty" field="l1" />
      </div>
      <KindSelect label="Learning-rate schedule" field="schedule" options={SCHEDULES} names={SCHEDULE_LABEL} />
      <div className="row">
        {schedule === 'step' ? (
          <>
            <TextField lockAs="optimizer" label="Every (steps)" field="stepEvery" />
            <TextField lockAs="optimizer" label="Factor" field="stepFactor" />
          </>
        ) : null}
        {schedule === 'exponential' ? <TextField lockAs="optimizer" label="Decay per step" field="decayRate" /> : null}
        {schedule === 'cosine' ? (
          <>
            <TextField lockAs="optimizer" label="Over (steps)" field="cosineSteps" placeholder="all steps" />
            <TextField lockAs="optimizer" label="Minimum rate" field="minLearningRate" />
          </>
        ) : null}
      </div>
    </fieldset>
  );
}
