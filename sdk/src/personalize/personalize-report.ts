export type { PersonalizeReport, StepProgress } from '../engine/engine-protocol.ts';
