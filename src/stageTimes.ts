import type { BuildPhase } from './pipeline.js';

/** A stage of a build as `build --timings` reports it: loading and planning, then the phases the build reports. */
export type BuildStage = 'load' | BuildPhase;

export interface StageTime {
  readonly stage: BuildStage;
  readonly ms: number;
}

/**
 * How long each stage of a build took, from the moments its phases began
 * (`PlanOptions.onPhase`): a stage lasts until the next begins, the last
 * until `finish`. A build that reuses the output in place reports no phase,
 * so all of it is loading and planning.
 */
export class StageTimes {
  private readonly starts: { stage: BuildStage; at: number }[];

  constructor(private readonly clock: () => number) {
    this.starts = [{ stage: 'load', at: clock() }];
  }

  enter(stage: BuildPhase): void {
    this.starts.push({ stage, at: this.clock() });
  }

  finish(): StageTime[] {
    const end = this.clock();
    return this.starts.map(({ stage, at }, index) => ({ stage, ms: (this.starts[index + 1]?.at ?? end) - at }));
  }
}
