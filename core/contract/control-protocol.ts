/**
 * Messages between the main process and a trainer process (not the UI): main hands the trainer its
 * end of the UI channel, and the trainer mirrors its status so main knows which runs are live,
 * finished (their process can be reclaimed) or gone. Validated with zod on both sides like the UI protocol.
 */
import * as z from 'zod';
import { TRAINER_PHASES } from './protocol';

const RunIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 letters, digits, "-" or "_"' });

/**
 * What a process serves on its UI port: one run's trainer protocol, or a sweep worker taking the
 * pool's jobs one after another (core/contract/sweep.ts). Same process, same entry; main says which.
 */
export const PROCESS_ROLES = ['trainer', 'sweep'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];
export const ProcessRoleSchema = z.enum(PROCESS_ROLES, { error: 'must be "trainer" or "sweep"' });

export const ControlToTrainerSchema = z.discriminatedUnion('type', [
  /** Comes with exactly one transferred port: the trainer's end of the UI channel. */
  z.strictObject({ type: z.literal('attach'), runId: RunIdSchema, role: ProcessRoleSchema.optional() }),
  z.strictObject({ type: z.literal('shutdown') }),
]);
export type ControlToTrainer = z.output<typeof ControlToTrainerSchema>;

export const ControlFromTrainerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('status'), runId: RunIdSchema, phase: z.enum(TRAINER_PHASES), step: z.number().int().min(0) }),
  /** At most once a second while training, so main can say how far a run got if its process dies. */
  z.strictObject({ type: z.literal('progress'), runId: RunIdSchema, step: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('error'), message: z.string() }),
]);
export type ControlFromTrainer = z.output<typeof ControlFromTrainerSchema>;

export { RunIdSchema };
